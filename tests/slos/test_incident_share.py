"""Finding 4: an incident's budget share is counted in events. A 1 h, 50%-error outage at a
tenth of the usual traffic spends about 3.0% of a 99%/7d budget, not the 29.8% that average
traffic would give; the share is measured again when the incident's times or the SLO change,
and retried after a Prometheus error."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.models import Incident
from slos import budget, impacts
from slos.models import IncidentImpact
from tests.slos.backfilled import backfilled_prometheus, counters
from tests.slos.history import utc

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]

STEP = 60
PER_STEP = 1000
OUTAGE_AGO = 2 * 86400  # the outage ended two days ago and lasted an hour
GOOD = 'sum(increase(night_requests_total{code!~"5.."}[$window]))'
TOTAL = "sum(increase(night_requests_total[$window]))"


def week_with_a_night_outage(end):
    """Ten days at 1,000 requests a minute with 0.05% errors; an hour at 100 a minute with
    50% errors (a night outage) ending OUTAGE_AGO before the end."""
    rows, good, bad = [], 0, 0
    steps = 10 * 86400 // STEP
    for i in range(steps):
        t = end - (steps - 1 - i) * STEP
        if end - OUTAGE_AGO - 3600 < t <= end - OUTAGE_AGO:
            requests, errors = PER_STEP // 10, PER_STEP // 20
        else:
            requests, errors = PER_STEP, (1 if i % 2 else 0)
        good, bad = good + requests - errors, bad + errors
        rows.append((t, good, bad))
    return rows


@pytest.fixture(scope="module")
def night_history(tmp_path_factory):
    end = time.time() // STEP * STEP
    rows = week_with_a_night_outage(end)
    with backfilled_prometheus(tmp_path_factory.mktemp("night"),
                               counters("night_requests_total", rows)) as url:
        yield url, end


def outage(service, end):
    incident = Incident.objects.create(
        title="Night outage", started_at=utc(end - OUTAGE_AGO - 3600),
        resolved_at=utc(end - OUTAGE_AGO), status=Incident.Status.RESOLVED)
    incident.services.set([service])
    return incident


@pytest.fixture
def night_slo(night_history, make_source, make_slo):
    url, _end = night_history
    return make_slo(make_source(url), name="Night", good=GOOD, total=TOTAL, target="99",
                    window="7d")


@pytest.mark.parametrize("function", ["increase", "rate"])
def test_the_share_counts_bad_events_not_average_traffic(night_history, make_source, make_slo,
                                                         service, function):
    url, end = night_history
    slo = make_slo(make_source(url), name=f"Night {function}", target="99", window="7d",
                   good=GOOD.replace("increase", function),
                   total=TOTAL.replace("increase", function))
    impacts.set_slos(outage(service, end), [slo])

    (impact,) = impacts.measure_pending()

    assert impact.status == IncidentImpact.Status.OK, impact.error
    assert impact.bad_events == pytest.approx(60 * PER_STEP // 20, rel=0.03)
    assert impact.budget_consumed == pytest.approx(0.030, abs=0.002)
    # What the average-traffic assumption stored: ten times too much.
    assumed = budget.budget_consumed_over(0.5, 3600, 7 * budget.DAY, 0.01)
    assert assumed == pytest.approx(0.298, abs=0.001)


def test_moving_the_incident_times_measures_again(night_history, night_slo, service):
    _url, end = night_history
    incident = outage(service, end)
    impacts.set_slos(incident, [night_slo])
    (first,) = impacts.measure_pending()
    assert impacts.measure_pending() == []  # measured: nothing to do until something changes

    incident.started_at -= timedelta(hours=1)  # the outage began an hour earlier
    incident.save()
    (again,) = impacts.measure_pending()

    assert again.pk == first.pk and again.measured_start == incident.started_at
    assert again.bad_events > first.bad_events  # a quiet hour of 0.05% errors added


def test_editing_the_slo_measures_again(night_history, night_slo, service, editor_client):
    _url, end = night_history
    impacts.set_slos(outage(service, end), [night_slo])
    (first,) = impacts.measure_pending()

    night_slo.remeasure_impacts()
    (again,) = impacts.measure_pending()
    assert again.pk == first.pk and again.budget_consumed == pytest.approx(
        first.budget_consumed, rel=1e-6)


def test_a_failed_measurement_is_retried(night_history, night_slo, service, closed_port_url):
    _url, end = night_history
    url = night_slo.data_source.url
    night_slo.data_source.url = closed_port_url
    night_slo.data_source.save()
    impacts.set_slos(outage(service, end), [night_slo])
    (failed,) = impacts.measure_pending()
    assert failed.status == IncidentImpact.Status.ERROR

    assert IncidentImpact.objects.pending().count() == 0  # not hammered at once
    later = timezone.now() + IncidentImpact.RETRY_AFTER + timedelta(seconds=1)
    assert IncidentImpact.objects.pending(later).count() == 1
    night_slo.data_source.url = url
    night_slo.data_source.save()
    IncidentImpact.objects.filter(pk=failed.pk).update(
        measured_at=timezone.now() - IncidentImpact.RETRY_AFTER * 2)
    (retried,) = impacts.measure_pending()
    assert retried.status == IncidentImpact.Status.OK
    assert retried.budget_consumed == pytest.approx(0.030, abs=0.002)


def test_the_pages_show_the_share_and_the_bad_events(night_history, night_slo, service,
                                                     editor_client):
    _url, end = night_history
    impacts.set_slos(outage(service, end), [night_slo])
    impacts.measure_pending()
    page = editor_client.get(night_slo.get_absolute_url()).content.decode()
    assert "3.0%" in page and "bad events)" in page
