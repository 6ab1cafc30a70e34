"""The bounded YAML loader every SLO import reads through: small files cannot cost a lot, and
values the database cannot store are refused with their place named."""

import pytest

from slos.formats.safe_yaml import YAMLRefused, load


def laughs(levels, width=9):
    """The billion-laughs file: each level an alias list of the one before."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines)


def refused(text, **options):
    with pytest.raises(YAMLRefused) as caught:
        load(text, **options)
    return caught.value.errors


def test_plain_yaml_reads_as_usual():
    assert load("slos:\n  - {name: A, target: 99.9}\n") == {
        "slos": [{"name": "A", "target": 99.9}]}


def test_aliases_are_refused_with_their_line():
    assert refused("a: &x 1\nb: *x\n") == [
        "line 2: aliases (*x) are not accepted; write the value out"]


def test_when_aliases_are_allowed_their_expansion_is_budgeted():
    errors = refused(laughs(10), allow_aliases=True, max_nodes=100_000)
    assert len(errors) == 1 and errors[0].endswith("more than 100,000 values (aliases expanded)")
    assert load("- &a {b: 1}\n- <<: *a\n  c: 2\n", allow_aliases=True) == [
        {"b": 1}, {"b": 1, "c": 2}]


def test_a_recursive_alias_is_refused():
    assert "recursive alias" in refused("a: &a [*a]", allow_aliases=True)[0]


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, "{a: " * 50_000,
                                  "x:\n" + "".join("  " * i + "- \n" for i in range(60))])
def test_deep_nesting_is_refused_before_the_stack_is(text):
    assert refused(text)[0].endswith("nested deeper than 50 levels")


@pytest.mark.parametrize(("text", "message"), [
    ("slos: [{target: .nan}]", "slos[0].target: NaN is not a number"),
    ("slos: [{target: .inf}]", "slos[0].target: infinity is not a number"),
    ("slos: [{target: -.Inf}]", "slos[0].target: infinity is not a number"),
    ('slos: [{name: "a\\0b"}]', "slos[0].name: contains a NUL character"),
    ("x: 99999999999999999999", "x: 99999999999999999999… is out of range"),
    ("x: !!binary aGVsbG8=", "x: binary values are not accepted"),
])
def test_values_the_database_cannot_hold_are_refused_with_their_field(text, message):
    assert refused(text) == [message]


def test_a_huge_integer_literal_is_refused_not_raised():
    assert refused("x: " + "9" * 5000)[0].startswith("not valid YAML: a value cannot be read")


def test_the_size_limit_says_the_sizes():
    assert refused("x: " + "a" * 2_000, max_bytes=1_000) == [
        "the file is 2 kB; the limit is 1 kB (split it into several files)"]


@pytest.mark.parametrize("source", ["\ufeffx: 1\n", b"\xef\xbb\xbfx: 1\n", b"x: 1\n"])
def test_a_byte_order_mark_is_accepted(source):
    assert load(source) == {"x": 1}


def test_bytes_that_are_not_utf8_are_refused():
    assert refused(b"x: \xff\n") == ["the file is not UTF-8 text"]


def test_python_tags_are_refused():
    assert "could not determine a constructor" in refused("x: !!python/object:os.system {}")[0]


def test_control_characters_are_refused_not_raised():
    assert refused("\x1bx: 1")[0].startswith("not valid YAML: ")
