"""Incidents name the SLOs they hit: the budget each consumed is measured from Prometheus over
the incident's start → resolve, listed on the SLO page, marked on the chart, and shown in the
postmortem's impact section."""

import math
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from postmortems.models import Incident
from slos import budget, impacts
from slos.models import IncidentImpact
from tests.slos.history import HISTORY_GOOD, HISTORY_TOTAL, utc

pytestmark = pytest.mark.django_db


def make_incident(service, start, end, title="Checkout 5xx"):
    incident = Incident.objects.create(title=title, started_at=start, resolved_at=end,
                                       status=Incident.Status.RESOLVED)
    incident.services.set([service])
    return incident


@pytest.mark.prometheus
@pytest.mark.xdist_group("prometheus")
def test_the_budget_an_incident_consumed_comes_from_prometheus(prometheus, make_source,
                                                               make_slo, service):
    slo = make_slo(make_source(prometheus.url), name="History", good=HISTORY_GOOD,
                   total=HISTORY_TOTAL)
    end = prometheus.history.times[-1]
    # The known bad afternoon: 5% errors for three hours, 20 days ago.
    incident = make_incident(service, utc(end - 20.125 * 86400), utc(end - 20 * 86400))
    impacts.set_slos(incident, [slo])

    (impact,) = impacts.measure_pending()

    assert impact.status == IncidentImpact.Status.OK, impact.error
    # Counted in events: bad events of the three hours / (budget x events of the 28 days
    # ending at the resolve; the history holds nine of them). Prometheus extrapolates
    # increase() to the range's edges, within 2% of the raw counts here.
    bad = events(prometheus.history, end - 20.125 * 86400, end - 20 * 86400, "bad")
    total = events(prometheus.history, end - 48 * 86400, end - 20 * 86400, "total")
    expected = budget.budget_share_of_events(bad, total, 0.001)
    assert math.isclose(impact.bad_events, bad, rel_tol=0.02)
    assert math.isclose(impact.budget_consumed, expected, rel_tol=0.02)


def events(history, start, end, which):
    inside = [i for i, t in enumerate(history.times) if start <= t <= end]
    bad = budget.counter_increase(history.bad[inside[0]:inside[-1] + 1])
    if which == "bad":
        return bad
    return bad + budget.counter_increase(history.good[inside[0]:inside[-1] + 1])


@pytest.mark.usefixtures("frozen_now")
def test_an_unreachable_prometheus_leaves_the_impact_unmeasured(offline_source, make_slo,
                                                                service):
    slo = make_slo(offline_source)
    now = timezone.now()
    incident = make_incident(service, now - timedelta(hours=2), now - timedelta(hours=1))
    impacts.set_slos(incident, [slo])
    (impact,) = impacts.measure_pending()
    assert impact.status == IncidentImpact.Status.ERROR and "cannot connect" in impact.error
    assert impact.budget_consumed is None


@pytest.mark.usefixtures("frozen_now")
def test_the_postmortem_impact_section_names_the_budget_consumed(offline_source, make_slo,
                                                                 service):
    slo = make_slo(offline_source, name="Checkout availability")
    now = timezone.now()
    incident = make_incident(service, now - timedelta(hours=2), now - timedelta(hours=1))
    IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=0.123,
                                  status=IncidentImpact.Status.OK)
    html = render_to_string("slos/partials/incident_impact.html", {
        "incident": incident, "slo_impacts": impacts.for_incident(incident)})
    assert "Consumed <strong>12.3%</strong> of the" in html
    assert "Checkout availability</a> error budget" in html


@pytest.mark.usefixtures("frozen_now")
def test_the_impact_section_degrades_cleanly(service):
    assert render_to_string("slos/partials/incident_impact.html", {}).strip() == ""
    now = timezone.now()
    incident = make_incident(service, now - timedelta(hours=2), now)
    html = render_to_string("slos/partials/incident_impact.html", {
        "incident": incident, "slo_impacts": impacts.for_incident(incident)})
    assert "No SLO is linked to this incident." in html


@pytest.mark.usefixtures("frozen_now")
def test_the_slo_page_lists_and_marks_incidents_in_the_window(editor_client, offline_source,
                                                              make_slo, service, record_poll):
    slo = make_slo(offline_source)
    record_poll(slo, error_ratio=0.0003)
    now = timezone.now()
    recent = make_incident(service, now - timedelta(days=3), now - timedelta(days=3, hours=-2),
                           title="Recent outage")
    old = make_incident(service, now - timedelta(days=40), now - timedelta(days=39),
                        title="Old outage")
    for incident, consumed in ((recent, 0.05), (old, 0.5)):
        IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=consumed,
                                      status=IncidentImpact.Status.OK)
    response = editor_client.get(f"/slos/{slo.pk}/")
    text = response.content.decode()
    assert "Recent outage" in text and "5.0%" in text
    assert "Old outage" not in text
    (mark,) = response.context["chart"].marks
    assert mark["label"] == "Recent outage"
    assert 'class="incident-mark"' in text


@pytest.mark.usefixtures("frozen_now")
def test_an_incident_names_its_slos_on_its_page(editor_client, offline_source, make_slo,
                                               service):
    first = make_slo(offline_source, name="First")
    second = make_slo(offline_source, name="Second")
    now = timezone.now()
    incident = make_incident(service, now - timedelta(hours=2), now - timedelta(hours=1))
    page = editor_client.get(f"/slos/incidents/{incident.pk}/")
    assert page.status_code == 200 and "First" in page.content.decode()

    response = editor_client.post(f"/slos/incidents/{incident.pk}/",
                                 {"slos": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(incident.slo_impacts.values_list("slo__name", flat=True)) == {"First", "Second"}
    editor_client.post(f"/slos/incidents/{incident.pk}/", {"slos": [second.pk]})
    assert list(incident.slo_impacts.values_list("slo__name", flat=True)) == ["Second"]


@pytest.mark.usefixtures("frozen_now")
def test_the_impact_section_costs_one_query_however_many_slos(offline_source, make_slo,
                                                              service,
                                                              django_assert_num_queries):
    now = timezone.now()
    incident = make_incident(service, now - timedelta(hours=2), now - timedelta(hours=1))
    for i in range(4):
        IncidentImpact.objects.create(slo=make_slo(offline_source, name=f"SLO {i}"),
                                      incident=incident, budget_consumed=0.01 * i,
                                      status=IncidentImpact.Status.OK)
    with django_assert_num_queries(1):
        html = render_to_string("slos/partials/incident_impact.html", {
            "incident": incident, "slo_impacts": impacts.for_incident(incident)})
    assert html.count("Consumed <strong>") == 4
