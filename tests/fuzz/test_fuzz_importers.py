"""Both importers, fuzzed (issue 10, finding 7): the Markdown postmortem importer and the SLO
YAML importer either import or refuse with their own error; never another exception, and a
refused file changes no row.

Inputs are a valid document mutated line by line (a line dropped, doubled, or a hostile value
put after its label) and whole documents built from hostile values."""

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from postmortems.documents.errors import MalformedDocument
from postmortems.documents.export import export_markdown
from postmortems.documents.importer import import_markdown
from postmortems.models import Incident, TimelineEntry
from slos import definitions
from slos.models import SLO
from tests.factories import T0
from tests.fuzz.figures import fuzz, record
from tests.fuzz.strategies import HOSTILE, values

pytestmark = pytest.mark.django_db


def mutations(text):
    lines = text.splitlines()
    index = st.integers(min_value=0, max_value=max(0, len(lines) - 1))
    drop = index.map(lambda i: lines[:i] + lines[i + 1:])
    double = index.map(lambda i: lines[:i + 1] + lines[i:])
    spoil = st.tuples(index, values).map(
        lambda pair: [*lines[:pair[0]],
                      lines[pair[0]].split(":")[0] + ": " + pair[1]
                      if ":" in lines[pair[0]] else lines[pair[0]] + " " + pair[1],
                      *lines[pair[0] + 1:]])
    edits = st.lists(st.one_of(drop, double, spoil), min_size=1, max_size=3)
    return edits.map(lambda changed: "\n".join(changed[-1]) + "\n")


@pytest.fixture
def markdown(make, editor):
    incident = make.incident(owner=editor, summary="Checkout failed")
    postmortem = make.postmortem(incident, executive_summary="Payments failed for 20 minutes.")
    make.timeline_entry(postmortem, T0, "Alert fired")
    make.why(postmortem, 1, "Why did payments fail?", "The pool was exhausted.")
    make.action_item(incident, "Add a pool alert", owner=editor)
    return export_markdown(postmortem)


def counts():
    return Incident.objects.count(), TimelineEntry.objects.count(), SLO.objects.count()


def test_the_markdown_importer_imports_or_refuses(markdown, editor):
    @fuzz(scale=2)
    @given(text=st.one_of(mutations(markdown), st.sampled_from(HOSTILE),
                          st.text(max_size=300)))
    def attempt(text):
        before = counts()
        try:
            import_markdown(text, owner=editor)
        except MalformedDocument:
            record("import Markdown", 400)
            assert counts() == before
        else:
            record("import Markdown", 200)

    attempt()


SLO_TEMPLATE = """slos:
  - name: Checkout availability
    service: checkout
    description: Requests answered without a server error.
    target: 99.9
    window: 28d
    sli:
      good: sum(rate(http_requests_total{status!~"5.."}[28d]))
      total: sum(rate(http_requests_total[28d]))
    alerts:
      fast_burn: {burn_rate: 13.44, short_window: 5m, long_window: 1h, severity: critical}
"""

yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(max_size=30),
              st.sampled_from(HOSTILE)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)
SLO_KEYS = ("name", "service", "description", "kind", "target", "window", "sli", "alerts")
entries = st.fixed_dictionaries({}, optional=dict.fromkeys(SLO_KEYS, yaml_values))


def test_the_slo_yaml_importer_imports_or_refuses(service, offline_source):
    @fuzz(scale=4)  # the YAML importer is cheap
    @given(text=st.one_of(
        mutations(SLO_TEMPLATE),
        st.lists(entries, max_size=3).map(
            lambda slos: yaml.safe_dump({"slos": slos}, allow_unicode=True)),
        st.text(max_size=300)))
    def attempt(text):
        before = counts()
        try:
            definitions.import_text(text, data_source=offline_source)
        except definitions.ImportRefused as refused:
            record("import SLO YAML", 400)
            assert refused.errors
            assert counts() == before
        else:
            record("import SLO YAML", 200)

    attempt()
