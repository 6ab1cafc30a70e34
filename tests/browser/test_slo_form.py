"""The SLO form in a real Chromium: the live downtime preview, the warning above 99.99% and
the refusal of 100%."""

import pytest

from slos.models import SLO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_definition(page):
    page.get_by_label("Service").select_option(label="Checkout")
    page.get_by_label("Name").fill("Checkout availability")
    page.get_by_label("Good events (PromQL)").fill(
        'sum(rate(http_requests_total{status!~"5.."}[$window]))')
    page.get_by_label("All events (PromQL)").fill("sum(rate(http_requests_total[$window]))")


def test_the_form_previews_downtime_and_refuses_100(live_server, page, login, editor, service,
                                                   offline_source, screenshot):
    login(editor)
    page.goto(live_server.url + "/slos/new/")
    target = page.get_by_label("Target (%)")
    month = page.locator("#downtime-month")

    target.fill("99.9")
    assert month.inner_text() == "43.2 min"
    assert page.locator("#downtime-window").inner_text() == "40.3 min"  # 28-day window
    assert page.locator("#downtime-year").inner_text() == "8.76 h"
    screenshot(page, "slo-form-99.9")

    target.fill("99")
    assert month.inner_text() == "7.2 h"
    page.get_by_label("Window").select_option("30d")
    assert page.locator("#downtime-window-label").inner_text() == "per 30-day window"
    assert page.locator("#downtime-window").inner_text() == "7.2 h"
    target.fill("99.95")
    assert month.inner_text() == "21.6 min"
    target.fill("99.99")
    assert month.inner_text() == "4.32 min"

    target.fill("99.995")
    assert "Above 99.99%" in page.locator("#target-note").inner_text()
    screenshot(page, "slo-form-above-99.99")

    target.fill("100")
    assert "100% is refused" in page.locator("#target-note").inner_text()
    assert month.inner_text() == "—"
    fill_definition(page)
    page.get_by_role("button", name="Save SLO").click()
    page.wait_for_load_state()
    assert page.get_by_text("100% leaves no error budget").is_visible()
    screenshot(page, "slo-form-100-refused")
    assert not SLO.objects.exists()

    target.fill("99.9")
    page.get_by_role("button", name="Save SLO").click()
    page.wait_for_url("**/slos/*/")
    assert page.get_by_text("The expressions were not checked").is_visible()
    screenshot(page, "slo-saved-unchecked")
    assert SLO.objects.get().query_check == SLO.QueryCheck.UNCHECKED


def test_the_form_is_usable_from_the_keyboard(live_server, page, login, editor, service,
                                              offline_source):
    login(editor)
    page.goto(live_server.url + "/slos/new/")
    page.get_by_label("Target (%)").focus()
    page.keyboard.type("99.5")
    assert page.locator("#downtime-month").inner_text() == "3.6 h"
