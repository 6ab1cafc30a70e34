"""Hostile values: what people paste by accident and what an attacker sends on purpose."""

from hypothesis import strategies as st

HOSTILE = [
    "", " ", "0", "-1", "²", "٣", "1e400", "nan", "inf", "-0", "99999999999999999999",
    "9" * 400, "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "9999-12-31",
    "0001-01-01", "2026-02-30T10:00", "25:99", "x\x00y", "\ufeff", "\u202e", "😀" * 20,
    "<script>alert(1)</script>", "' OR 1=1 --", "%", "%00", "../../etc/passwd",
    "//evil.example", "https://evil.example/", "javascript:alert(1)", "a" * 5000,
    "true", "null", "[]", "{}", "-9223372036854775809", "1.5", "0x10",
]

values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                   st.integers(min_value=-(10**30), max_value=10**30).map(str))


def form(field_names):
    """A dict of some of these fields (and a stray one) to hostile values or lists of them."""
    keys = st.sampled_from([*field_names, "stray", "next", "version"])
    return st.dictionaries(keys, st.one_of(values, st.lists(values, max_size=3)), max_size=8)
