"""The monthly compliance report and a calendar SLO's panel in a real Chromium, over a real
Prometheus holding a known history (tests/slos/calendar_history.py)."""

import pytest

from slos import impacts, periods, report
from tests import factories
from tests.slos.calendar_history import GOOD, NOW, OCTOBER_SPIKE, TOTAL

pytestmark = [pytest.mark.browser, pytest.mark.prometheus,
              pytest.mark.django_db(transaction=True)]


def test_the_report_reads_at_a_glance(live_server, page, login, viewer, calendar_prometheus,
                                      make_source, make_slo, offline_source, record_poll,
                                      screenshot):
    source = make_source(calendar_prometheus[0], name="calendar")
    checkout = make_slo(source, name="Checkout availability", good=GOOD, total=TOTAL,
                        window="monthly")
    make_slo(source, name="Checkout strict", good=GOOD, total=TOTAL, target="99.99")
    make_slo(source, name="Search availability", good=GOOD, total=TOTAL, window="weekly",
             target="99.5")
    incident = factories.incident(title="Checkout 5xx after a bad deploy",
                                  started_at=OCTOBER_SPIKE[0], resolved_at=OCTOBER_SPIKE[1])
    impacts.set_slos(incident, [checkout])
    impacts.measure_pending()
    slos = list(source.slos.select_related("data_source"))
    for month in (9, 10):  # measured as the worker would, then read from the table
        report.rows(slos, periods.month(2026, month), NOW)
    login(viewer)

    page.goto(f"{live_server.url}/slos/report/?month=2026-10")
    assert page.get_by_role("heading", name="SLO compliance · October 2026").is_visible()
    assert page.locator('[data-verdict="met"]').count() == 2
    assert page.locator('[data-verdict="missed"]').count() == 1
    assert page.get_by_role("link", name=f"#{incident.pk} Checkout 5xx after a bad deploy") \
        .is_visible()
    screenshot(page, "slo-report-october")

    page.get_by_role("link", name="← September 2026").click()
    page.wait_for_url("**month=2026-09")
    assert page.get_by_text("not measured (outside Prometheus retention)").first.is_visible()
    screenshot(page, "slo-report-september-outside-retention")

    page.get_by_label("Month").fill("2026-10")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**month=2026-10")
    page.get_by_role("link", name="Checkout availability").click()
    page.wait_for_url(f"**/slos/{checkout.pk}/report/")
    assert page.get_by_role("heading", name="Checkout availability · month by month") \
        .is_visible()
    screenshot(page, "slo-report-one-slo")

    panel = make_slo(offline_source, name="Payments availability", window="monthly")
    record_poll(panel, error_ratio=0.0004)
    page.goto(f"{live_server.url}/slos/{panel.pk}/")
    assert page.locator('[data-figure="period"]').inner_text().endswith(" of " + str(
        periods.containing("monthly", panel.latest_snapshot.taken_at).days) + ")")
    screenshot(page, "slo-panel-monthly")
