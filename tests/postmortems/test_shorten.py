"""{{ text|shorten:n }} gives what Django's truncatechars gives for plain text, faster."""

import pytest
from django.template.defaultfilters import truncatechars

from postmortems.templatetags.postmortems import shorten


@pytest.mark.parametrize("text", ["", "Disk full", "x" * 39, "x" * 40, "x" * 41,
                                  "Connection pool exhausted by client retries (12)",
                                  "Zürich's DNS — a «typo» in the zone file, again and again"])
@pytest.mark.parametrize("length", [1, 2, 40])
def test_it_cuts_like_truncatechars(text, length):
    assert shorten(text, length) == truncatechars(text, length)
