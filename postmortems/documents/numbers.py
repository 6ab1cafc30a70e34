"""Numbers, amounts, durations and dates as people write them, range-checked against what the
models can hold, so a wild value is refused at its line instead of failing in the database.

``12,400``, ``12 400``, ``12.400`` and ``12400`` are the same count; ``$38,000``,
``38 000 €``, ``EUR 38.000,50`` and ``1234.50 EUR`` are amounts with their currency.
Only ASCII digits count as digits (``²`` is not a number of customers).
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from postmortems.documents.errors import MalformedDocument

# What a PositiveIntegerField holds on every database we run on.
MAX_COUNT = 2_147_483_647
# Postmortem.revenue_impact: max_digits=14, decimal_places=2.
MAX_AMOUNT = Decimal("999999999999.99")
# An incident longer than this is a typo, and beyond it date arithmetic can overflow.
MAX_DURATION = timedelta(days=366)
EARLIEST = date(1970, 1, 1)
LATEST = date(2100, 12, 31)

CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                    "CHF": "CHF", "kr": "SEK", "A$": "AUD", "C$": "CAD"}
SPACES = " \u00a0\u202f\u2009'’_"  # noqa: RUF001 (thousands separators people use)
DIGITS = re.compile(r"[0-9]+")
GROUPED = re.compile(r"[0-9]{1,3}(?:([,.])[0-9]{3})(?:\1[0-9]{3})*")
MONEY = re.compile(
    r"^(?P<before>[A-Za-z]{3}|[^\sA-Za-z0-9.,-]{1,3}|[A-Z]?\$)?\s*"
    r"(?P<amount>-?[0-9][0-9 \u00a0\u202f\u2009'’_.,]*)\s*"  # noqa: RUF001
    r"(?P<after>[A-Za-z]{3}|[^\sA-Za-z0-9.,]{1,3}|kr)?$"
)
DURATION_PART = re.compile(
    r"([0-9]+(?:\.[0-9]+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)(?![A-Za-z])",
    re.IGNORECASE,
)
CLOCK_DURATION = re.compile(r"^([0-9]{1,4}):([0-5][0-9])(?::([0-5][0-9]))?$")
UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def strip_spaces(text):
    return "".join(char for char in text if char not in SPACES)


def parse_count(text, line, label):
    """A whole number ≥ 0, thousands separators allowed."""
    value = strip_spaces(text.strip())
    if GROUPED.fullmatch(value):
        value = value.replace(",", "").replace(".", "")
    if not DIGITS.fullmatch(value):
        raise MalformedDocument(line, f"{label} must be a whole number, not “{text.strip()}”.")
    number = int(value)
    if number > MAX_COUNT:
        raise MalformedDocument(line, f"{label} {number:,} is too large (at most {MAX_COUNT:,}).")
    return number


def amount_from(text, line):
    """'38,000' / '38.000,50' / '1234.50' → Decimal; the last separator followed by one or two
    digits is the decimal point, the others group thousands."""
    value = strip_spaces(text)
    negative = value.startswith("-")
    value = value.lstrip("-")
    if GROUPED.fullmatch(value):
        value = value.replace(",", "").replace(".", "")
    else:
        last = max(value.rfind(","), value.rfind("."))
        if last != -1:
            whole, fraction = value[:last], value[last + 1:]
            whole_clean = whole.replace(",", "").replace(".", "")
            if not (DIGITS.fullmatch(whole_clean) and DIGITS.fullmatch(fraction)):
                raise MalformedDocument(line, f"“{text}” is not an amount.")
            if len(fraction) > 2:
                raise MalformedDocument(line, f"“{text}” has more than two decimals.")
            value = f"{whole_clean}.{fraction}"
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise MalformedDocument(line, f"“{text}” is not an amount.") from None
    if negative:
        raise MalformedDocument(line, "A revenue impact cannot be negative.")
    if amount > MAX_AMOUNT:
        raise MalformedDocument(line, f"The amount {text} is too large (at most {MAX_AMOUNT:,}).")
    return amount


def parse_money(text, line, default_currency="USD"):
    """'$38,000' → (Decimal('38000'), 'USD'); a missing currency is the default."""
    match = MONEY.match(text.strip())
    if not match or (match["before"] and match["after"]):
        raise MalformedDocument(line, f"Cannot read the amount “{text.strip()}” "
                                "(e.g. $38,000 or 38 000 EUR).")
    symbol = (match["before"] or match["after"] or "").strip()
    if not symbol:
        currency = default_currency
    elif symbol in CURRENCY_SYMBOLS:
        currency = CURRENCY_SYMBOLS[symbol]
    elif len(symbol) == 3 and symbol.isalpha() and symbol.isascii():
        currency = symbol.upper()
    else:
        raise MalformedDocument(line, f"Unknown currency “{symbol}”: write a code such as USD.")
    return amount_from(match["amount"].strip(), line), currency


def parse_duration(text, line):
    """'45 min', '1 h 05 min', '2h15m', '1.5 hours', '1:05' → timedelta (up to a year)."""
    value = text.strip()
    clock = CLOCK_DURATION.match(value)
    if clock:
        seconds = int(clock[1]) * 3600 + int(clock[2]) * 60 + int(clock[3] or 0)
    else:
        parts = DURATION_PART.findall(value)
        if not parts or DURATION_PART.sub("", value).strip(" ,and"):
            raise MalformedDocument(line, f"Cannot read the duration “{value}” "
                                    "(e.g. 45 min or 1 h 05 min).")
        seconds = 0
        for amount, unit in parts:
            if len(amount) > 12:
                raise MalformedDocument(line, f"The duration “{value}” is too long.")
            seconds += float(amount) * UNIT_SECONDS[unit[0].lower()]
    if seconds > MAX_DURATION.total_seconds():
        raise MalformedDocument(line, f"The duration “{value}” is longer than a year; "
                                "check the units.")
    return timedelta(seconds=round(seconds))


def check_date(day, line, what="date"):
    if not EARLIEST <= day <= LATEST:
        raise MalformedDocument(line, f"The {what} {day.isoformat()} is out of range "
                                f"({EARLIEST.year}–{LATEST.year}).")  # noqa: RUF001
    return day


def check_moment(moment, line, what="time"):
    check_date(moment.astimezone(UTC).date(), line, what)
    return moment


DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
                "%b %d %Y", "%B %d %Y"]


def parse_day(text, line, what="date"):
    """'2026-03-20', '2026/03/20', '20 Mar 2026', 'March 20, 2026' → date, in range."""
    value = text.strip()
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return check_date(day, line, what)
    raise MalformedDocument(line, f"“{value}” is not a date (YYYY-MM-DD).")


def check_length(text, limit, line, what):
    """Refuse, rather than cut, a value longer than its model field holds."""
    if len(text) > limit:
        raise MalformedDocument(line, f"The {what} is {len(text)} characters long; "
                                f"at most {limit} fit.")
    return text
