"""The demo SLOs load once, on the demo workload's metrics."""

import pytest

from slos import demo
from slos.models import SLO, DataSource, IncidentImpact

pytestmark = pytest.mark.django_db


def test_the_demo_loads_two_slos_and_twice_changes_nothing(editor):
    demo.load(editor)
    demo.load(editor)
    slos = list(SLO.objects.order_by("name"))
    assert [slo.name for slo in slos] == ["Checkout availability", "Checkout latency"]
    assert all('job="demo-workload"' in slo.total_query for slo in slos)
    for slo in slos:
        slo.full_clean()


def test_the_demo_links_a_checkout_incident_when_there_is_one(editor):
    from postmortems import demo as postmortems_demo

    postmortems_demo.load(editor)
    demo.load(editor)
    demo.load(editor)
    assert IncidentImpact.objects.count() == 1


def test_the_demo_data_source_follows_prometheus_url(editor, settings):
    """`make run` on other ports: PROMETHEUS_URL follows PROMETHEUS_PORT, and so does the demo's
    data source, on the first run and on the next ones."""
    settings.PROMETHEUS_URL = "http://127.0.0.1:9090"
    demo.load(editor)
    settings.PROMETHEUS_URL = "http://127.0.0.1:20190"
    demo.load(editor)
    (source,) = DataSource.objects.all()
    assert source.url == "http://127.0.0.1:20190"
    assert {slo.data_source_id for slo in SLO.objects.all()} == {source.pk}
