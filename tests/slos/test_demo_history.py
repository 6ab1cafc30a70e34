"""`make run`'s first start: the demo workload's past backfilled with the demo incident as a
real error spike, then polled at past times, so the demo SLO page shows a burn-down over the
window with the incident marked and its budget share measured (a shorter window here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import demo as postmortems_demo
from slos import demo, demo_history
from slos.models import SLO, IncidentImpact
from tests.slos.backfilled import backfilled_prometheus

pytestmark = [pytest.mark.prometheus, pytest.mark.xdist_group("prometheus"),
              pytest.mark.django_db]


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
        assert impact.budget_consumed > 0.05 and impact.bad_events > 1000
        page = editor_client.get(slo.get_absolute_url()).content.decode()
        assert 'class="incident-mark"' in page and "Collecting data" not in page
