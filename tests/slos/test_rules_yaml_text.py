"""The rules file is written as text directly (slos/yaml_text.py), not by PyYAML's emitter:
whatever the values, it reads back as exactly the data, and the generated rules as PyYAML
would have written them."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from slos import rules, yaml_text

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False), st.text(), st.sampled_from([
        "yes", "No", "on", "null", "~", "1e3", "0x1F", "12:30", "- x", "a: b", "a #b", "#c",
        "|", ">", "'", '"', "@x", "`", "%x", "!tag", "&a", "*a", "", " ", "a ", "\ttab",
        "x\n", "x\n\n", "\nx", " x\ny", "x \ny", "x\n \ny", "a\r\nb", "\u2028", "\x85", "\ufeff",
        "slo:sli_error:ratio_window", "http://x/y", "True", "NaN", ".inf", "<<", "=",
    ]))
keys = st.one_of(st.text(min_size=1), st.sampled_from(["on", "yes", "1", "a:b", "-", "? x"]))
data = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(keys, data, max_size=5))
def test_any_plain_data_reads_back_the_same(value):
    assert yaml.safe_load(yaml_text.dump(value)) == value


@pytest.mark.parametrize("value", [
    "sum(rate(x[5m]))\n/\nsum(rate(y[5m]))",  # a literal block
    "sum(rate(x[5m]))\nand on() y >= 10\n",  # a kept final line break
    'a{b="c"} > 0.001\nand d > 0.001',
])
def test_expressions_of_several_lines_are_literal_blocks(value):
    text = yaml_text.dump({"rules": [{"expr": value}]})
    assert "expr: |" in text
    assert yaml.safe_load(text) == {"rules": [{"expr": value}]}


def test_the_rules_file_reads_as_the_generated_groups(make_slo, offline_source):
    slos = [make_slo(offline_source, name=f"Checkout {n}", min_events=10 * n)
            for n in range(3)]
    text = rules.to_yaml(slos)
    assert yaml.safe_load(text) == rules.generate(slos)
