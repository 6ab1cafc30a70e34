"""The review meeting end to end in Chromium, as a facilitator runs it on a shared screen:
start, walk the sections by keyboard, record a dissenting view, settle the orphaned action
items, close, and find the summary in the postmortem."""

import re

import pytest
from playwright.sync_api import expect

from postmortems.models import Meeting
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postmortem(editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident, author=editor,
                                      executive_summary="Checkout failed for 20 minutes.")
    factories.timeline_entry(postmortem, text="Error rate above 2%", kind="alert")
    factories.why(postmortem, question="Why did checkout fail?",
                  answer="The new release had a config error", is_root_cause=True)
    factories.action_item(incident, text="Roll out config validation", owner=editor)
    factories.action_item(incident, text="Tune the alert threshold", owner=None)
    factories.action_item(incident, text="Write a runbook", owner=editor, ticket="")
    return postmortem


def test_a_facilitator_runs_the_meeting_end_to_end(live_server, page, login, editor, postmortem,
                                                   screenshot):
    login(editor)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error"  # answers like 400 are fine
            and not message.text.startswith("Failed to load resource")
            and script_errors.append(message.text))
    incident = postmortem.incident
    page.goto(f"{live_server.url}/incidents/{incident.pk}/postmortem/")
    page.get_by_role("link", name="Review meeting").click()
    page.get_by_role("button", name="Start meeting").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))

    # Opening: the blameless reminder, and the clocks run.
    expect(page.get_by_test_id("blameless-reminder")).to_contain_text(
        "We're here to learn, not blame.")
    expect(page.get_by_test_id("shortcuts")).to_contain_text("next section")
    expect(page.locator("#section-elapsed")).not_to_have_text("00:00", timeout=3000)
    opening = page.get_by_role("form", name="Add an attendee")
    opening.get_by_label("…or a name").fill("Sam (vendor)")
    opening.get_by_role("button", name="Add attendee").click()
    expect(page.get_by_test_id("attendees")).to_contain_text("Sam (vendor)")
    screenshot(page, "meeting-opening")

    # Walk the agenda with the keyboard.
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", name="Timeline walk-through")).to_be_visible()
    expect(page.locator("#section-planned")).to_have_text("15:00")
    page.keyboard.press("3")
    expect(page.get_by_role("heading", name="Analysis")).to_be_visible()
    expect(page.get_by_test_id("meeting-whys")).to_contain_text("config error")

    # A dissenting view.
    page.get_by_text("Record a dissenting view").click()
    dissent = page.get_by_role("form", name="Record a dissenting view")
    dissent.get_by_label("…or a name").fill("Sam (vendor)")
    dissent.get_by_label("Dissenting view").fill("A canary would not have caught this")
    dissent.get_by_role("button", name="Record view").click()
    expect(page.get_by_test_id("dissent")).to_contain_text(
        "A canary would not have caught this")

    # Action items: two orphans are highlighted and block closing.
    page.keyboard.press("n")
    expect(page.get_by_role("heading", name="Action items")).to_be_visible()
    expect(page.get_by_test_id("orphan-alert")).to_contain_text("2 orphaned action items")
    screenshot(page, "meeting-orphans-highlighted")
    page.keyboard.press("5")
    page.get_by_role("button", name="Close meeting and write the summary").click()
    expect(page.get_by_role("alert").filter(has_text="cannot be closed")).to_contain_text(
        "“Tune the alert threshold” (no owner)")
    assert not Meeting.objects.get().is_closed

    # Settle one orphan with an owner, accept the other with a reason.
    tune = page.locator(".meeting-item", has_text="Tune the alert threshold")
    tune.get_by_label("Owner").select_option(label="Erin")
    tune.get_by_label("Ticket").fill("OPS-42")
    tune.get_by_role("button", name="Save item").click()
    tune = page.locator(".meeting-item", has_text="Tune the alert threshold")
    expect(tune.get_by_test_id("orphan-badge")).to_have_count(0)
    runbook = page.locator(".meeting-item", has_text="Write a runbook")
    runbook.get_by_label("Accept as orphaned because").fill("Runbooks move to the wiki in Q3")
    runbook.get_by_role("button", name="Accept as orphaned").click()
    expect(page.get_by_test_id("no-orphans")).to_be_visible()
    expect(page.get_by_test_id("accepted-badge")).to_contain_text("Runbooks move to the wiki")

    # Closing: a decision, then close; the summary lands in the postmortem.
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", name="Closing")).to_be_visible()
    decision = page.get_by_role("form", name="Record a decision")
    decision.get_by_label("Decision").fill("Validate config in CI before every deploy")
    decision.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Validate config in CI")
    expect(page.locator("#section-elapsed")).not_to_have_text("00:00", timeout=3000)
    screenshot(page, "meeting-closing")
    page.get_by_role("button", name="Close meeting and write the summary").click()
    page.wait_for_url(f"**/incidents/{incident.pk}/postmortem/")

    summary = page.get_by_test_id("meeting-summaries")
    expect(summary).to_contain_text("Root cause: The new release had a config error")
    expect(summary).to_contain_text("Tune the alert threshold: Erin")
    expect(summary).to_contain_text("Accepted as orphaned: Write a runbook")
    expect(summary).to_contain_text("Validate config in CI before every deploy")
    expect(page.get_by_test_id("published-dissent")).to_contain_text(
        "Sam (vendor): A canary would not have caught this")
    summary.scroll_into_view_if_needed()
    screenshot(page, "meeting-summary-in-postmortem")

    summary.get_by_role("link", name="Full meeting record").click()
    expect(page.get_by_test_id("meeting-summary")).to_contain_text("Owners confirmed")
    expect(page.get_by_role("heading", name="Action items created or changed in the meeting")
           ).to_be_visible()
    expect(page.get_by_role("link", name="Tune the alert threshold")).to_be_visible()
    screenshot(page, "meeting-record")

    assert script_errors == []
    meeting = Meeting.objects.get()
    assert meeting.is_closed
    spent = {s.key: s.actual_seconds for s in meeting.sections.all()}
    # The screen's clocks are saved with the meeting (we watched them tick in both).
    assert spent["opening"] >= 1 and spent["closing"] >= 1
