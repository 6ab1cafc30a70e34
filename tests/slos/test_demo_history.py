"""`make run`'s first start: the demo workload's past backfilled with the demo incident as a
real error spike, then polled at past times, so the demo SLO page shows a burn-down over the
window with the incident marked and its budget share measured (a shorter window here)."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import demo as postmortems_demo
from slos import demo, demo_history
from slos.models import SLO, IncidentImpact
from tests.slos.backfilled import backfilled_prometheus

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]


def test_the_history_is_sampled_finely_only_around_incidents():
    end = timezone.now().replace(microsecond=0)
    incident = (end - timedelta(days=9, hours=3), end - timedelta(days=9, hours=1))
    times = demo_history.sample_times(end.timestamp() - 40 * 86400, end.timestamp(),
                                      [(incident[0].timestamp(), incident[1].timestamp())])
    steps = {b - a for a, b in itertools.pairwise(times)}
    assert steps == {demo_history.STEP, demo_history.QUIET_STEP}
    fine = [a for a, b in itertools.pairwise(times) if b - a == demo_history.STEP]
    assert incident[0].timestamp() - demo_history.QUIET_STEP <= fine[0] <= \
        incident[0].timestamp() and fine[-1] >= incident[1].timestamp()
    assert len(times) < 40 * 86400 / demo_history.STEP / 4  # ~4x fewer than a 2-minute grid


def test_the_demo_past_burns_the_budget_at_its_incident(tmp_path, editor, settings,
                                                         editor_client):
    postmortems_demo.load(editor)
    now = timezone.now().replace(microsecond=0)
    spans = demo_history.demo_incidents()
    assert spans, "the demo has a Checkout incident"
    lines = demo_history.openmetrics(now - timedelta(minutes=10), spans, "127.0.0.1:9101")
    with backfilled_prometheus(tmp_path, lines) as url:
        settings.PROMETHEUS_URL = url
        demo.load(editor)
        polls = demo_history.poll_the_past(now, every=timedelta(days=2))
        assert polls == 14 and demo_history.poll_the_past(now) == 0  # once only
        slo = SLO.objects.for_panels().get(name="Checkout availability")
        points = list(slo.snapshots.good().order_by("taken_at")
                      .values_list("taken_at", "budget_remaining"))
        before = [r for t, r in points if t < spans[0][0]]
        after = [r for t, r in points if t > spans[0][1]]
        assert before and after and min(before) > 0.4  # 0.05% errors: half the budget
        assert max(after) < min(before)  # the incident spent budget
        impact = IncidentImpact.objects.get(slo=slo)
        assert impact.status == IncidentImpact.Status.OK, impact.error
        # The incident's whole 28-day window is backfilled (40 days): its share is its bad
        # events over the budget of a full window of traffic, not of the part backfilled.
        (start, end), = spans[:1]
        bad = (end - start).total_seconds() * demo_history.RATE * demo_history.INCIDENT_ERRORS
        allowed = 0.001 * demo_history.RATE * 28 * 86400
        assert impact.bad_events == pytest.approx(bad, rel=0.01)
        assert impact.budget_consumed == pytest.approx(bad / allowed, rel=0.01)
        page = editor_client.get(slo.get_absolute_url()).content.decode()
        assert 'class="incident-mark"' in page and "Collecting data" not in page
