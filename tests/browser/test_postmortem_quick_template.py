"""A minor incident gets a quick postmortem; switching it to standard loses nothing."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quick_postmortem_switches_to_standard_without_loss(
        live_server, page, editor, login, screenshot):
    from tests import factories

    incident = factories.incident("Stale prices", owner=editor, severity=4)
    login(editor)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    page.get_by_label("Quick (minor incidents)").check()
    page.get_by_role("button", name="Write the postmortem").click()
    fields = {
        "What happened": "Old prices for 10 minutes.", "Trigger": "Bulk price import",
        "Detection": "Customer question", "Resolution": "Cache flushed",
        "Root cause": "Bulk updates skip cache invalidation.", "Immediate fix": "Runbook step",
        "Long-term fix ticket": "PRICE-42",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=False).first.fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Postmortem saved.")).to_be_visible()
    screenshot(page, "postmortem-quick")

    page.get_by_role("button", name="Switch to the standard template").click()
    expect(page.get_by_text("nothing was lost")).to_be_visible()
    expect(page.get_by_label("Executive summary")).to_have_value("Old prices for 10 minutes.")
    expect(page.get_by_test_id("why-chain")).to_contain_text(
        "Bulk updates skip cache invalidation.")
    quick = page.locator("#impact").get_by_text("From the quick template").locator("..")
    for value in ["Bulk price import", "Customer question", "Cache flushed", "Runbook step",
                  "PRICE-42"]:
        expect(quick).to_contain_text(value)
    screenshot(page, "postmortem-quick-switched")
