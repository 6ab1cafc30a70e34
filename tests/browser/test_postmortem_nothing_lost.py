"""Never lose a typed word: in a real Chromium the author types the summary and the impact,
then adds a why, a factor and an action item without saving anything by hand; every typed word
is saved and nothing was reloaded. Leaving with unsaved input asks first."""

import pytest
from playwright.sync_api import expect

from postmortems.models import ActionItem, Postmortem
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "A retry storm exhausted the orders DB pool; payments failed for 34 minutes."


@pytest.fixture(autouse=True)
def _patient_expectations():
    """In-place swaps wait on the server: on a busy machine 5 s (Playwright's default) is short."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def editor_page(live_server, page, login, editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident, author=editor)
    login(editor)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/postmortem/")
    return page, postmortem


def test_typing_then_adding_a_why_a_factor_and_an_action_item_loses_nothing(
        editor_page, screenshot):
    page, postmortem = editor_page
    page.evaluate("() => { window.__sameDocument = true; }")

    page.get_by_label("Executive summary").fill(SUMMARY)
    page.get_by_label("Customers affected").fill("12400")
    # Without waiting for the autosave: straight to the why, the factor, the action item.
    why = page.get_by_role("form", name="Add a why")
    why.get_by_label("Question").fill("Why did checkout fail?")
    why.get_by_role("textbox", name="Answer").fill("Every pooled connection was busy.")
    why.get_by_role("button", name="Add why").click()
    expect(page.get_by_test_id("why-chain")).to_contain_text("Every pooled connection was busy.")
    page.get_by_label("Contributing factor").fill("Pool saturation had no alert")
    page.get_by_role("button", name="Add factor").click()
    expect(page.get_by_test_id("factors")).to_contain_text("Pool saturation had no alert")
    item = page.get_by_role("form", name="Add an action item")
    item.get_by_label("Action").fill("Alert on pool saturation")
    item.get_by_label("Ticket").fill("OPS-103")
    item.get_by_role("button", name="Add action item").click()
    expect(page.get_by_test_id("action-items")).to_contain_text("Alert on pool saturation")

    # What was typed first is still on the page, and saved.
    expect(page.get_by_label("Executive summary")).to_have_value(SUMMARY)
    expect(page.get_by_label("Customers affected")).to_have_value("12400")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Postmortem saved.")
    assert page.evaluate("() => window.__sameDocument") is True  # no page load
    saved = Postmortem.objects.get(pk=postmortem.pk)
    assert (saved.executive_summary, saved.customers_affected) == (SUMMARY, 12400)
    assert list(saved.whys.values_list("answer", flat=True)) == [
        "Every pooled connection was busy."]
    assert list(saved.factors.values_list("text", flat=True)) == [
        "Pool saturation had no alert"]
    assert ActionItem.objects.get().ticket == "OPS-103"
    screenshot(page, "editor-nothing-lost")

    # And after a reload, it is all there.
    page.reload()
    expect(page.get_by_label("Executive summary")).to_have_value(SUMMARY)


def test_a_refused_add_keeps_its_input_and_the_rest(editor_page):
    page, _postmortem = editor_page
    page.get_by_label("Executive summary").fill(SUMMARY)
    why = page.get_by_role("form", name="Add a why")
    why.get_by_label("Question").fill("")
    why.get_by_role("textbox", name="Answer").fill("An answer without its question")
    why.get_by_role("button", name="Add why").click()
    why = page.get_by_role("form", name="Add a why")
    expect(why.locator(".invalid-feedback")).to_be_visible()
    expect(why.get_by_role("textbox", name="Answer")).to_have_value(
        "An answer without its question")
    expect(page.get_by_label("Executive summary")).to_have_value(SUMMARY)


def test_leaving_with_unsaved_input_asks_first(editor_page, live_server):
    page, _postmortem = editor_page
    why = page.get_by_role("form", name="Add a why")
    why.get_by_role("textbox", name="Answer").click()
    why.get_by_role("textbox", name="Answer").type("Half a thought")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="History").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(why.get_by_role("textbox", name="Answer")).to_have_value("Half a thought")
    assert page.url.endswith("/postmortem/")


def test_the_summary_typed_just_before_leaving_is_saved(editor_page, live_server):
    """An autosave still waiting when the page goes is sent on the way out."""
    page, postmortem = editor_page
    page.on("dialog", lambda dialog: dialog.accept())  # leave anyway
    page.get_by_label("Executive summary").click()
    page.get_by_label("Executive summary").type("Typed, then left at once.")
    page.get_by_role("link", name="History").click()
    page.wait_for_url("**/history/")
    page.wait_for_timeout(500)
    assert Postmortem.objects.get(pk=postmortem.pk).executive_summary == (
        "Typed, then left at once.")


def test_a_why_a_factor_and_an_action_item_are_edited_in_place_losing_nothing(
        editor_page, screenshot):
    page, postmortem = editor_page
    why = factories.why(postmortem, 1, question="Why did checkout fail?", answer="Busy pool.")
    factor = postmortem.factors.create(text="No canary")
    item = factories.action_item(postmortem.incident, "Alert on pool saturation", due=None)
    page.reload()
    page.evaluate("() => { window.__sameDocument = true; }")
    # Input waiting elsewhere: the next why, half typed.
    add = page.get_by_role("form", name="Add a why")
    add.get_by_role("textbox", name="Answer").fill("Half a thought")

    page.get_by_role("link", name="Edit why 1").click()
    form = page.get_by_role("form", name="Edit why 1")
    expect(form.get_by_role("textbox", name="Answer")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Every pooled connection was busy.")
    form.get_by_label("This answer is the root cause").check()
    screenshot(page, "editor-why-edited-in-place")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the Save button, by keyboard
    chain = page.get_by_test_id("why-chain")
    expect(chain).to_contain_text("Every pooled connection was busy.")
    expect(chain.locator("li.root-cause")).to_have_count(1)

    # Escape leaves a row's form without saving.
    page.get_by_role("link", name="Edit factor No canary").click()
    expect(page.get_by_role("form", name="Edit factor").get_by_label(
        "Contributing factor")).to_be_focused()
    page.keyboard.type(" typed by mistake")
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Edit factor No canary")).to_be_focused()
    expect(page.get_by_test_id("factors")).not_to_contain_text("by mistake")
    page.get_by_role("link", name="Edit factor No canary").click()
    page.get_by_role("form", name="Edit factor").get_by_label("Contributing factor").fill(
        "No canary for configuration changes")
    page.get_by_role("form", name="Edit factor").get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("factors")).to_contain_text("No canary for configuration changes")

    # The action item too, its due date typed.
    page.get_by_role("link", name="Edit Alert on pool saturation").click()
    row = page.get_by_role("form", name="Edit action item Alert on pool saturation")
    expect(row.get_by_label("Action")).to_be_focused()
    row.get_by_label("Due date (UTC)").click()
    page.keyboard.type("2099-12-15")
    page.locator(f"#action-{item.pk}").scroll_into_view_if_needed()
    screenshot(page, "editor-action-edited-in-place")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#action-{item.pk}")).to_contain_text("2099-12-15")
    expect(page.get_by_role("link", name="Edit Alert on pool saturation")).to_be_visible()

    expect(add.get_by_role("textbox", name="Answer")).to_have_value("Half a thought")
    assert page.evaluate("() => window.__sameDocument") is True  # no page load
    item.refresh_from_db()
    assert str(item.due) == "2099-12-15"
    why.refresh_from_db()
    factor.refresh_from_db()
    assert (why.answer, why.is_root_cause) == ("Every pooled connection was busy.", True)
    assert factor.text == "No canary for configuration changes"
