"""Finding 8: panels that do not mislead. "Collecting data" instead of empty axes, a line
from the first point, exhaustion in hours below three days, never "-0.0%", alert badges that
match both windows of the generated alert, pages that refresh themselves, and an API with the
per-window error ratios, alert states and incident shares."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems.models import Incident
from slos import chart
from slos.models import IncidentImpact
from slos.templatetags.slo_tags import days_left, percent

pytestmark = pytest.mark.django_db


def test_a_new_slo_says_collecting_data(editor_client, offline_source, make_slo):
    slo = make_slo(offline_source)
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert "Collecting data: the chart starts with the first good poll" in page


def test_one_point_draws_a_visible_line():
    now = timezone.now()
    drawn = chart.burn_down([((now - timedelta(hours=1)).timestamp(), 0.53)],
                             now - timedelta(days=28), now)
    assert drawn.path.count("L") == 1  # from the point to now


def test_no_minus_zero_and_hours_below_three_days():
    assert percent(-1e-12, 1) == "0.0%"
    assert percent(-0.0004, 1) == "0.0%"
    assert percent(-0.004, 1) == "-0.4%"
    assert days_left(57.3 * 3600) == "~57 h at the current burn rate"
    assert days_left(5 * 86400).startswith("~5 days")


def test_exactly_at_target_shows_zero_left_not_minus_zero(editor_client, offline_source,
                                                          make_slo, record_poll):
    slo = make_slo(offline_source, target="99.9")
    record_poll(slo, error_ratio=0.0010000000000000009)  # float noise at the target
    figures = slo.figures()
    assert figures["budget_remaining"] == 0.0
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert "-0.0%" not in page and "<strong>0.0%</strong> of the error budget left" in page


def test_a_badge_turns_red_only_when_both_windows_burn(editor_client, offline_source, make_slo,
                                                       record_poll):
    slo = make_slo(offline_source, target="99.9", window="30d")
    # 3d burns 2x (above the ticket's 1x), its short window 6h only 0.5x: no ticket.
    record_poll(slo, error_ratio=0.001, ratios={"5m": 0.0005, "30m": 0.0005, "1h": 0.0005,
                                                "2h": 0.0005, "6h": 0.0005, "1d": 0.0005,
                                                "3d": 0.002})
    assert slo.figures()["alert_states"] == {"fast_burn": False, "slow_burn": False,
                                             "fast_ticket": False, "ticket": False}
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert 'badge text-bg-danger me-1" title="ticket' not in page

    record_poll(slo, error_ratio=0.001, ratios={"5m": 0.0005, "30m": 0.0005, "1h": 0.0005,
                                                "2h": 0.0005, "6h": 0.0015, "1d": 0.0005,
                                                "3d": 0.002})
    assert slo.figures()["alert_states"]["ticket"] is True
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert 'badge text-bg-danger me-1" title="ticket' in page


def test_the_1d_ticket_badge_shows_on_both_its_windows(editor_client, offline_source, make_slo,
                                                       record_poll):
    slo = make_slo(offline_source, target="99.9", window="30d")
    # 1d burns 4x (above its 3x), 2h only 2x: no fast ticket; then both above: red twice.
    ratios = {"5m": 0.0005, "30m": 0.0005, "1h": 0.0005, "2h": 0.002, "6h": 0.0005,
              "1d": 0.004, "3d": 0.0005}
    record_poll(slo, error_ratio=0.001, ratios=ratios)
    assert slo.figures()["alert_states"]["fast_ticket"] is False
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert page.count('title="fast_ticket: 1d and 2h above 3\u00d7, ticket"') == 2  # 2 rows
    assert 'text-bg-danger me-1" title="fast_ticket' not in page

    record_poll(slo, error_ratio=0.001, ratios={**ratios, "2h": 0.0035})
    assert slo.figures()["alert_states"] == {"fast_burn": False, "slow_burn": False,
                                             "fast_ticket": True, "ticket": False}
    page = editor_client.get(slo.get_absolute_url()).content.decode()
    assert page.count('text-bg-danger me-1" title="fast_ticket: 1d and 2h above 3\u00d7') == 2


def test_slo_pages_refresh_themselves(editor_client, offline_source, make_slo, settings):
    settings.SLO_POLL_INTERVAL = 60
    slo = make_slo(offline_source)
    for url in (slo.get_absolute_url(), "/slos/"):
        page = editor_client.get(url).content.decode()
        assert 'hx-trigger="every 60s" hx-select="#slo-live"' in page


def test_the_api_gives_window_ratios_alert_states_coverage_and_incident_shares(
        editor_client, offline_source, make_slo, record_poll, service):
    slo = make_slo(offline_source, target="99.9", window="30d")
    record_poll(slo, error_ratio=0.0005, ratios={"5m": 0.02, "30m": 0.01, "1h": 0.02,
                                                 "6h": 0.001, "3d": 0.0005})
    now = timezone.now()
    incident = Incident.objects.create(title="Checkout 5xx", started_at=now - timedelta(hours=2),
                                       resolved_at=now - timedelta(hours=1),
                                       status=Incident.Status.RESOLVED)
    IncidentImpact.objects.create(slo=slo, incident=incident, budget_consumed=0.03,
                                  bad_events=3000, status=IncidentImpact.Status.OK)

    (item,) = editor_client.get("/api/slos/").json()["slos"]

    assert item["error_ratios"] == {"5m": 0.02, "30m": 0.01, "1h": 0.02, "6h": 0.001,
                                    "3d": 0.0005}
    assert item["alert_states"] == {"fast_burn": True, "slow_burn": False,
                                    "fast_ticket": None, "ticket": False}
    assert item["coverage"]["window_days"] == 30
    assert item["incidents"] == [{"incident": incident.pk, "title": "Checkout 5xx",
                                  "status": "ok", "budget_consumed": 0.03,
                                  "bad_events": 3000.0}]
