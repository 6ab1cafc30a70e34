"""A malformed document is refused whole, with its line and the reason; nothing is created and
nothing raises anything else (fuzzed further in the hardening tests)."""

from pathlib import Path

import pytest

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.importer import MAX_DOCUMENT_CHARS, import_document
from postmortems.models import Incident

pytestmark = pytest.mark.django_db
STANDARD = (Path(__file__).parent / "samples" / "standard.md").read_text(encoding="utf-8")


def line_of(text, fragment):
    """The line of the fragment's last occurrence."""
    return max(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


CASES = [
    # (what, old fragment, new fragment, reason)
    ("no title", "# Postmortem: Checkout", "Postmortem: Checkout",
     "must start with its title"),
    ("title too long", "Checkout API timeouts", "x" * 201, "at most 200 fit"),
    ("no date", "**Date**: 2026-02-17 | ", "", "The date is missing"),
    ("far-future date", "2026-02-17", "9999-12-31", "out of range"),
    ("not a date", "2026-02-17", "2026-02-30", "is not a date"),
    ("endless duration", "47 min", "9999999999 d", "longer than a year"),
    ("unreadable duration", "47 min", "a while", "Cannot read the duration"),
    ("no severity", " | **Severity**: SEV2", "", "The severity is missing"),
    ("unknown severity", "SEV2", "SEV7", "Unknown severity"),
    ("bad time", "| 09:15 |", "| 29:15 |", "is not a time of day"),
    ("timeline row without text", "| 09:15 | On-call acknowledged |", "| 09:15 | |",
     "a time but no text"),
    ("extra cell", "| 09:15 | On-call acknowledged |", "| 09:15 | On-call | acknowledged |",
     "more cells than the header"),
    ("huge count", "12,400", "99999999999", "too large"),
    ("superscript count", "12,400", "²", "must be a whole number"),
    ("negative revenue", "$38,000", "$-38,000", "cannot be negative"),
    ("unknown currency", "$38,000", "38,000 ¤¤¤¤", "Cannot read the amount"),
    ("three decimals", "$38,000", "$38.0001", "more than two decimals"),
    ("huge revenue", "$38,000", "$99,999,999,999,999", "too large"),
    ("unknown priority", "| P2 |", "| P7 |", "Unknown priority"),
    ("bad due date", "2026-03-06", "someday", "is not a date"),
    ("far due date", "2026-03-06", "9999-12-31", "out of range"),
    ("ticket too long", "OPS-102", "T" * 301, "at most 300 fit"),
    ("owner too long", "@ada", "@" + "b" * 151, "at most 150 fit"),
    ("action too long", "Check pool size against peak concurrency in CI", "a" * 501,
     "at most 500 fit"),
    ("empty action", "| Check pool size against peak concurrency in CI |", "| |",
     "needs its action text"),
    ("section twice", "## Impact", "## Timeline", "A second “Timeline” section"),
]


@pytest.mark.parametrize(("old", "new", "reason"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_malformed_document_is_refused_at_its_line(old, new, reason):
    assert old in STANDARD
    text = STANDARD.replace(old, new, 1)
    with pytest.raises(MalformedDocument) as caught:
        import_document(text)
    assert reason in caught.value.reason
    if new.strip():
        assert caught.value.line == line_of(text, new.strip())
    assert not Incident.objects.exists()


def test_a_document_over_the_size_limit_is_refused_with_the_limit():
    text = STANDARD + "\n" + ("x" * 100 + "\n") * (MAX_DOCUMENT_CHARS // 100)
    with pytest.raises(MalformedDocument, match="at most 512 KB are imported"):
        import_document(text)


def test_a_nul_character_is_refused_at_its_line():
    with pytest.raises(MalformedDocument) as caught:
        import_document(STANDARD.replace("On-call acknowledged", "On-call\x00"))
    assert caught.value.line == line_of(STANDARD, "On-call acknowledged")


def test_two_root_causes_are_refused_at_the_second():
    text = STANDARD.replace("→ Requests waited", "→ **Root cause:** Requests waited").replace(
        "before a deploy.", "before a deploy. (root cause)")
    with pytest.raises(MalformedDocument) as caught:
        import_document(text)
    assert caught.value.line == line_of(text, "5. Why was the default")
    assert caught.value.reason == ("Two root causes (why 1 and why 5): a chain has one root "
                                   "cause; mark only one.")


def test_a_why_number_out_of_range_is_refused_at_its_heading():
    text = (Path(__file__).parent / "samples" / "earlier_export.md").read_text().replace(
        "### Why 2 (root cause)", "### Why 99999999999 (root cause)")
    with pytest.raises(MalformedDocument) as caught:
        import_document(text)
    assert caught.value.line == line_of(text, "### Why 99999999999")
    assert caught.value.reason == "Why 99999999999: whys are numbered from 1 to 1000."
