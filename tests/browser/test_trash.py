"""In a real Chromium an admin deletes an incident from its page, finds it in the Trash and
restores it, whole; the confirmation, the trash and the purge page pass axe (they are admins'
pages, so the viewer/editor accessibility walk does not reach them)."""

import pytest
from playwright.sync_api import expect

from postmortems.models import ActionItem, Incident, Postmortem, TimelineEntry
from tests import factories
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def incident(editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor, severity=2)
    postmortem = factories.postmortem(incident, author=editor, executive_summary="A bad deploy.")
    factories.timeline_entry(postmortem, text="Error rate above 2%")
    factories.why(postmortem, question="Why did checkout fail?", answer="A bad config.",
                  is_root_cause=True)
    factories.action_item(incident, text="Add a canary stage", owner=editor)
    return incident


def test_delete_then_restore_from_the_trash(live_server, page, login, admin, incident,
                                            screenshot):
    login(admin)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    page.get_by_role("link", name="Delete").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Delete incident #{incident.pk}")
    expect(page.get_by_test_id("trash-parts")).to_contain_text("1 timeline entry")
    expect(page.get_by_test_id("trash-parts")).to_contain_text("1 action item")
    assert axe.violations(page) == []
    screenshot(page, "trash-1-confirm-delete")
    page.get_by_role("button", name="Move to the trash").click()

    expect(page.get_by_role("alert")).to_contain_text("is in the trash")
    expect(page.get_by_role("table")).not_to_contain_text("Checkout 5xx after deploy")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()

    row = page.get_by_test_id("trashed-incident")
    expect(row).to_contain_text("Checkout 5xx after deploy")
    expect(row).to_contain_text("Ada")
    assert axe.violations(page) == []
    screenshot(page, "trash-2-list")
    row.get_by_role("link", name="Delete permanently").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be undone")
    assert axe.violations(page) == []
    screenshot(page, "trash-3-confirm-purge")
    page.get_by_role("link", name="Back to the trash").click()

    page.get_by_test_id("trashed-incident").get_by_role("button", name="Restore").click()
    expect(page.get_by_role("alert")).to_contain_text("is back, with everything under it")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Checkout 5xx after deploy")
    expect(page.locator("#actions")).to_contain_text("Add a canary stage")
    screenshot(page, "trash-4-restored")

    assert Incident.objects.filter(pk=incident.pk).exists()
    assert Postmortem.objects.get(incident=incident).executive_summary == "A bad deploy."
    assert TimelineEntry.objects.filter(postmortem__incident=incident).count() == 1
    assert ActionItem.objects.filter(incident=incident).count() == 1


def test_an_editor_sees_no_delete_and_no_trash(live_server, page, login, editor, incident):
    login(editor)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_role("link", name="Edit incident")).to_be_visible()
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash")) \
        .to_have_count(0)
