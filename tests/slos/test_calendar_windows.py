"""Finding 9: calendar windows. A monthly or weekly SLO is measured over its period so far
(month to date, ISO week to date, UTC) on a real Prometheus holding a known history on fixed
dates; its panel names the period; its incidents' shares are of their period's budget."""

import subprocess
from datetime import datetime, timedelta

import pytest
import yaml

from slos import budget, impacts, poller, rules
from slos.models import SLO, IncidentImpact
from tests import factories
from tests.slos.calendar_history import GOOD, OCTOBER_SPIKE, TOTAL, UTC
from tests.slos.servers import promtool_binary

pytestmark = [pytest.mark.django_db, pytest.mark.prometheus]

NOVEMBER_10_NOON = datetime(2026, 11, 10, 12, tzinfo=UTC)
THURSDAY_NOON = datetime(2026, 11, 5, 12, tzinfo=UTC)  # ISO week 45 began Monday 2 November


@pytest.fixture
def calendar_source(calendar_prometheus, make_source):
    return make_source(calendar_prometheus[0], name="calendar")


def calendar_slo(make_slo, source, window, target="99.9", name=None):
    return make_slo(source, name=name or f"Calendar {window}", good=GOOD, total=TOTAL,
                    target=target, window=window)


def test_a_monthly_slo_reads_the_month_to_date(calendar_prometheus, calendar_source, make_slo):
    _url, history = calendar_prometheus
    slo = calendar_slo(make_slo, calendar_source, "monthly")
    (snapshot,) = poller.poll([slo], at=NOVEMBER_10_NOON, measure_coverage=False)

    month_start = datetime(2026, 11, 1, tzinfo=UTC)
    sli = history.sli(month_start, NOVEMBER_10_NOON)
    assert snapshot.status == "ok", snapshot.error
    assert snapshot.sli == pytest.approx(sli, abs=1e-3)
    assert abs(snapshot.sli - sli) < 1e-6  # the month to date exactly, not the last 30 days
    remaining = 1 - (1 - sli) / 0.001
    assert snapshot.budget_remaining == pytest.approx(remaining, abs=1e-3)
    # Not a rolling 30 days: those reach back into October's spike.
    assert abs(history.sli(datetime(2026, 10, 11, 12, tzinfo=UTC), NOVEMBER_10_NOON) - sli) \
        > 1e-4

    slo.refresh_from_db()
    figures = slo.figures(NOVEMBER_10_NOON + timedelta(seconds=30))
    assert figures["window_kind"] == "calendar"
    assert figures["period"]["label"] == "November 2026 (day 10 of 30)"
    assert figures["budget_remaining"] == pytest.approx(remaining, abs=1e-3)
    assert figures["policy"] == budget.policy_state(remaining)


def test_a_weekly_slo_reads_the_iso_week_to_date(calendar_prometheus, calendar_source,
                                                  make_slo):
    _url, history = calendar_prometheus
    slo = calendar_slo(make_slo, calendar_source, "weekly", target="99")
    (snapshot,) = poller.poll([slo], at=THURSDAY_NOON, measure_coverage=False)

    sli = history.sli(datetime(2026, 11, 2, tzinfo=UTC), THURSDAY_NOON)
    assert snapshot.status == "ok", snapshot.error
    assert snapshot.sli == pytest.approx(sli, abs=1e-6)
    assert snapshot.budget_remaining == pytest.approx(1 - (1 - sli) / 0.01, abs=1e-3)
    slo.refresh_from_db()
    assert slo.figures(THURSDAY_NOON)["period"]["label"] == "week 45 of 2026 (day 4 of 7)"


def test_the_panel_names_the_period(client, viewer, calendar_prometheus, calendar_source,
                                    make_slo):
    import time_machine

    slo = calendar_slo(make_slo, calendar_source, "monthly")
    poller.poll([slo], at=NOVEMBER_10_NOON, measure_coverage=False)
    client.force_login(viewer)
    with time_machine.travel(NOVEMBER_10_NOON + timedelta(seconds=20), tick=False):
        page = client.get(f"/slos/{slo.pk}/").content.decode()
        dashboard = client.get("/slos/").content.decode()
    assert 'data-figure="period">November 2026 (day 10 of 30)' in page
    assert "over a calendar month" in page
    assert f'href="/slos/{slo.pk}/report/"' in page
    assert "November 2026 (day 10 of 30)" in dashboard and 'href="/slos/report/"' in dashboard


def test_a_monthly_incident_share_is_of_its_months_budget(calendar_prometheus, calendar_source,
                                                           make_slo):
    _url, history = calendar_prometheus
    slo = calendar_slo(make_slo, calendar_source, "monthly")
    incident = factories.incident(title="Checkout errors", started_at=OCTOBER_SPIKE[0],
                                  resolved_at=OCTOBER_SPIKE[1])
    impacts.set_slos(incident, [slo])
    (impact,) = impacts.measure_pending()

    bad, _ = history.events(*OCTOBER_SPIKE)
    _, october = history.events(datetime(2026, 10, 1, tzinfo=UTC),
                                datetime(2026, 11, 1, tzinfo=UTC))
    assert impact.status == IncidentImpact.Status.OK, impact.error
    assert impact.bad_events == pytest.approx(bad, rel=1e-3)
    assert impact.budget_consumed == pytest.approx(bad / (0.001 * october), rel=1e-3)
    # The same incident on a rolling 30-day SLO is a share of another budget.
    rolling = calendar_slo(make_slo, calendar_source, "30d", name="Rolling")
    impacts.set_slos(incident, [slo, rolling])
    (other,) = impacts.measure_pending()
    assert other.budget_consumed != pytest.approx(impact.budget_consumed, rel=1e-2)


def test_rules_of_a_calendar_slo_keep_the_rolling_equivalent_and_say_so(
        calendar_source, make_slo, tmp_path):
    slo = calendar_slo(make_slo, calendar_source, "monthly")
    text = rules.to_yaml(SLO.objects.select_related("service"))
    assert f"# Calendar: SLO {slo.slug} is measured over the monthly period so far" in text
    (group,) = yaml.safe_load(text)["groups"]
    window = group["rules"][0]
    assert window["record"] == "slo:sli_error:ratio_window"
    assert "[30d]" in window["expr"]
    assert window["labels"]["calendar"] == "monthly"
    assert window["labels"]["rolling_equivalent"] == "30d"
    fast = next(r for r in group["rules"] if r.get("alert") == "SLOFastBurn")
    assert "> 0.0144" in fast["expr"]  # the 30-day factor 14.4 x budget 0.001
    path = tmp_path / "rules.yml"
    path.write_text(text)
    checked = subprocess.run([promtool_binary(), "check", "rules", str(path)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_calendar_slos_are_read_raw_even_with_recorded_series(calendar_source, make_slo):
    spec = poller.spec_for(calendar_slo(make_slo, calendar_source, "weekly"), THURSDAY_NOON)
    assert spec.calendar
    assert "[302400s]" in spec.queries["window"]  # Monday 00:00 to Thursday 12:00
