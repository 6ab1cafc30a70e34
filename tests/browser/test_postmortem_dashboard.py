"""The demo data on a shared screen: dashboard counts and badges, incident list, tracker."""

import pytest
from playwright.sync_api import expect

from postmortems import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_list_and_tracker_show_the_demo(live_server, page, editor, login,
                                                      screenshot):
    demo.load(editor)
    login(editor)
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")
    counts = page.get_by_test_id("dashboard-counts")
    expect(counts).to_contain_text("Orphaned action items")
    expect(page.get_by_test_id("orphan-badge").first).to_contain_text("no owner")
    expect(page.get_by_test_id("recurring-causes")).to_contain_text("Connection pool exhausted")
    screenshot(page, "postmortem-dashboard")

    page.get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_role("row")).to_have_count(5)  # header + 4 demo incidents
    page.get_by_label("Search").fill("pool")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row")).to_have_count(3)
    screenshot(page, "postmortem-incident-list")

    page.get_by_role("link", name="Action items", exact=True).click()
    expect(page.get_by_test_id("orphan-badge")).to_have_count(1)
    screenshot(page, "postmortem-tracker")
