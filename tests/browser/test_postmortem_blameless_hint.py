"""As the author writes blame-focused wording, a gentle hint appears inline; saving still
works."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hint_appears_while_typing_and_saving_is_not_blocked(
        live_server, page, editor, login, screenshot):
    from tests import factories

    pm = factories.postmortem(factories.incident(owner=editor))
    login(editor)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/incidents/{pm.incident_id}/postmortem/")
    summary = page.get_by_label("Executive summary")
    summary.fill("The outage was human error: the operator should have checked.")
    hints = page.locator("#hints-id_executive_summary")
    expect(hints).to_contain_text("Blameless tip")
    expect(hints).to_contain_text("What conditions allowed this?")
    screenshot(page, "postmortem-blameless-hint")
    summary.fill("A config change reached all hosts at once: no canary stage.")
    expect(hints).not_to_contain_text("Blameless tip")
    summary.fill("Human error.")
    page.get_by_role("button", name="Save document").first.click()
    expect(page.get_by_text("Postmortem saved.")).to_be_visible()
    pm.refresh_from_db()
    assert pm.executive_summary == "Human error."
