"""Two people in the postmortem editor, two Chromium contexts: each sees the other is there;
what one adds appears on the other's screen without a reload (unless they are typing there);
a stale save of the same field shows the conflict in place, naming who saved meanwhile, and
the merge keeps both."""

import pytest
from playwright.sync_api import expect

from postmortems.models import EditConflict, Postmortem
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(live_server, page_as, editor, admin):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident, author=editor)
    url = f"{live_server.url}/incidents/{incident.pk}/postmortem/"
    page_a, page_b = page_as(editor), page_as(admin)
    for page in (page_a, page_b):
        page.set_default_timeout(10_000)
        page.goto(url)
        page.evaluate("() => { window.__sameDocument = true; }")
    errors = []
    for page in (page_a, page_b):
        page.on("pageerror", lambda error: errors.append(str(error)))
    yield page_a, page_b, postmortem
    assert errors == []


def test_presence_and_the_others_changes_without_reload(pages, screenshot):
    page_a, page_b, _postmortem = pages
    expect(page_a.get_by_test_id("presence")).to_have_text("Also editing now: Ada")
    expect(page_b.get_by_test_id("presence")).to_have_text("Also editing now: Erin")

    # Ada adds a timeline entry and a why; Erin's screen follows within seconds.
    form = page_b.get_by_role("form", name="Add a timeline entry")
    form.get_by_label("Time (UTC)").fill("2026-03-04 10:12")
    form.get_by_label("Text").fill("Rolled back to the previous release")
    form.get_by_role("button", name="Add entry").click()
    why = page_b.get_by_role("form", name="Add a why")
    why.get_by_role("textbox", name="Answer").fill("Retries multiplied the load.")
    why.get_by_role("button", name="Add why").click()
    expect(page_a.get_by_test_id("timeline-entries")).to_contain_text(
        "Rolled back to the previous release")
    expect(page_a.get_by_test_id("why-chain")).to_contain_text("Retries multiplied the load.")
    expect(page_a.locator("#editor-notice")).to_contain_text("ada changed:")
    # Ada's own screen does not announce her own changes.
    expect(page_b.locator("#editor-notice")).to_be_empty()

    # A section Erin is typing in is not refreshed under her fingers.
    factor = page_a.get_by_role("form", name="Add a factor").get_by_label("Contributing factor")
    factor.click()
    factor.type("Erin is typing")
    page_b.get_by_label("Contributing factor").fill("No canary stage")
    page_b.get_by_role("button", name="Add factor").click()
    expect(page_b.get_by_test_id("factors")).to_contain_text("No canary stage")
    page_a.wait_for_timeout(4000)
    expect(factor).to_have_value("Erin is typing")
    expect(page_a.get_by_test_id("factors")).not_to_contain_text("No canary stage")
    # Once she has added hers, Ada's is there too.
    page_a.get_by_role("button", name="Add factor").click()
    expect(page_a.get_by_test_id("factors")).to_contain_text("No canary stage")
    expect(page_a.get_by_test_id("factors")).to_contain_text("Erin is typing")
    assert page_a.evaluate("() => window.__sameDocument") is True
    screenshot(page_a, "editor-two-people-presence")


def test_the_same_field_shows_the_conflict_in_place_naming_the_other(pages, screenshot):
    page_a, page_b, postmortem = pages
    summary_a = page_a.get_by_label("Executive summary")
    summary_a.click()  # Erin is in the summary: her copy is not refreshed under her
    page_b.get_by_label("Executive summary").fill("Ada: checkout failed for 20 minutes.")
    page_b.get_by_role("button", name="Save document").click()
    expect(page_b.locator("[data-autosave-status]")).to_contain_text("Postmortem saved.")

    summary_a.fill("Erin: a config error broke checkout.")
    page_a.get_by_role("button", name="Save document").click()
    conflict = page_a.get_by_test_id("conflict")
    expect(conflict.get_by_test_id("conflict-who")).to_have_text(
        "Ada changed this while you were editing")
    expect(conflict.get_by_test_id("theirs-executive_summary")).to_have_text(
        "Ada: checkout failed for 20 minutes.")
    expect(conflict.get_by_test_id("yours-executive_summary")).to_have_text(
        "Erin: a config error broke checkout.")
    screenshot(page_a, "editor-conflict-names-the-other")

    merged = "Erin: a config error broke checkout. Ada: it failed for 20 minutes."
    conflict.get_by_label("Executive summary").fill(merged)
    conflict.get_by_role("button", name="Save merged version").click()
    expect(conflict).to_have_count(0)
    expect(page_a.get_by_label("Executive summary")).to_have_value(merged)
    assert page_a.evaluate("() => window.__sameDocument") is True
    assert Postmortem.objects.get(pk=postmortem.pk).executive_summary == merged
    refused = EditConflict.objects.get()
    assert refused.attempted["executive_summary"] == "Erin: a config error broke checkout."
    assert refused.outcome == EditConflict.Outcome.MERGED
    # Ada's screen follows the merge.
    expect(page_b.get_by_label("Executive summary")).to_have_value(merged, timeout=8000)
