"""A date as people type it into a date field (a due date, a filter's "from"), in UTC.

Read, whatever the letter case and spacing:

* ``2026-12-15`` (ISO-8601, the form shown), ``2026/12/15``;
* a day and a month, the year optional: ``15 Dec``, ``Dec 15``, ``15 December 2026``,
  ``Dec 15, 2026``; without a year it is the next such day from today (a due date lies ahead);
* relative to today: ``today``, ``tomorrow``, ``+7d``, ``+2w``, ``in 3 days``, ``in 2 weeks``,
  ``next week`` (today + 7 days).

``parse_date(text, today)`` is pure (today is passed in); it raises ``ValueError`` with the reason,
which the form shows with the accepted forms.
"""

import re
from datetime import date, timedelta

FORMAT_HINT = "YYYY-MM-DD"
ACCEPTED = "YYYY-MM-DD (or 15 Dec, +7d, next week)"

MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
), start=1) for name in names}

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_RELATIVE = re.compile(r"(?:\+\s*|in\s+)(\d{1,4})\s*(d|days?|w|weeks?)")
_WORDS = {"today": 0, "tomorrow": 1, "next week": 7}


def _day(year, month, day):
    if not 1970 <= year <= 2100:
        raise ValueError(f"the year {year} is outside 1970 to 2100")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"there is no day {day} in month {month} of {year}") from None


def _day_and_month(day, month_name, year, today):
    month = MONTHS.get(month_name)
    if month is None:
        raise ValueError(f"“{month_name}” is not a month")
    if year is not None:
        return _day(int(year), month, int(day))
    for year in range(today.year, today.year + 9):  # the next one (29 Feb: within 8 years)
        try:
            candidate = date(year, month, int(day))
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"there is no day {day} in month {month}")


def parse_date(text, today):
    """The date ``text`` names, ``today`` being the UTC date; ValueError with the reason."""
    value = " ".join(str(text).strip().lower().split())
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    if match := _ISO.fullmatch(value):
        return _day(*(int(part) for part in match.groups()))
    if match := _RELATIVE.fullmatch(value):
        count, unit = int(match.group(1)), match.group(2)
        later = today + timedelta(days=count * (7 if unit.startswith("w") else 1))
        return _day(later.year, later.month, later.day)
    if match := _DAY_MONTH.fullmatch(value):
        return _day_and_month(match.group(1), match.group(2), match.group(3), today)
    if match := _MONTH_DAY.fullmatch(value):
        return _day_and_month(match.group(2), match.group(1), match.group(3), today)
    raise ValueError(f"“{str(text).strip()}” is not a date")
