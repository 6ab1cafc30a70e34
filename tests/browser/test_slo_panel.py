"""The SLO panel in a real Chromium: figures, budget bar, burn table, burn-down chart with the
incident marked, and the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.models import Incident
from slos.models import IncidentImpact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_panel_shows_the_budget_and_its_history(live_server, page, login, editor, service,
                                                    offline_source, make_slo, record_poll,
                                                    screenshot):
    slo = make_slo(offline_source, name="Checkout availability", target="99.9")
    latency = make_slo(offline_source, name="Checkout latency", target="99")
    now = timezone.now()
    # Budget falling through an incident four days ago, then burning slowly.
    for hours in range(14 * 24, -1, -3):
        consumed = 0.01 * (14 * 24 - hours) / 24 + (0.35 if hours < 4 * 24 else 0)
        record_poll(slo, error_ratio=0.001 * consumed * 28 / 14,
                    ratios={"5m": 0.0004, "30m": 0.0005, "1h": 0.0006, "2h": 0.0007,
                            "6h": 0.0008, "1d": 0.00085, "3d": 0.0009},
                    at=now - timedelta(hours=hours))
    record_poll(latency, status="error", fault="timeout", error="prometheus did not answer")
    incident = Incident.objects.create(
        title="Checkout 5xx after connection pool exhaustion",
        started_at=now - timedelta(days=4, hours=2), resolved_at=now - timedelta(days=4),
        status=Incident.Status.RESOLVED)
    IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=0.35,
                                  status=IncidentImpact.Status.OK)
    login(editor)

    page.goto(f"{live_server.url}/slos/{slo.pk}/")
    assert page.get_by_role("heading", name="Checkout availability").is_visible()
    assert page.get_by_role("progressbar", name="Error budget remaining").is_visible()
    assert page.locator(".burn-down path").count() == 1
    assert page.locator(".incident-mark").count() == 1
    assert page.get_by_role("link", name="Checkout 5xx after connection pool exhaustion") \
        .is_visible()
    assert page.get_by_text("at the current burn rate").is_visible()
    screenshot(page, "slo-panel")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="SLOs").click()
    page.wait_for_url("**/slos/")
    assert page.get_by_text("stale").is_visible()
    assert page.get_by_text("prometheus did not answer").is_visible()
    screenshot(page, "slo-dashboard")
