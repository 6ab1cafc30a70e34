"""{{ text|shortened:n }} is Django's truncatechars, quicker for a text short enough already."""

import pytest
from django.template.defaultfilters import truncatechars

from postmortems.templatetags.postmortems import shortened


@pytest.mark.parametrize("text", [
    "", "Checkout down", "x" * 40, "x" * 41, "A title well over forty characters, cut short",
    "Cafe\u0301 down", "e\u0301" * 30, "\u65e5\u672c\u8a9e\u306e\u30bf\u30a4\u30c8\u30eb",
])
def test_it_gives_what_truncatechars_gives(text):
    assert shortened(text, 40) == truncatechars(text, 40)
    assert shortened(text, "40") == truncatechars(text, "40")


def test_a_missing_text_is_left_to_truncatechars():
    assert shortened(None, 40) == truncatechars(None, 40)
