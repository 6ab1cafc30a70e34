"""Two people, two Chromium contexts, one postmortem under review: different entries are both
saved; the same field gives the second a conflict with both versions and a merge, nothing lost;
each screen shows the other's new timeline entry within seconds, without a reload."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from postmortems.models import EditConflict, Meeting, TimelineEntry
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def review(editor):
    incident = factories.incident(title="Checkout 5xx after deploy", owner=editor)
    postmortem = factories.postmortem(incident, author=editor)
    first = factories.timeline_entry(postmortem, text="Error rate above 2%", kind="alert")
    second = factories.timeline_entry(postmortem, at=incident.started_at + timedelta(minutes=4),
                                      text="On-call acknowledged", kind="acknowledged")
    meeting = Meeting.start(postmortem, editor)
    return meeting, first, second


def open_timeline(page, live_server, meeting):
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/?section=timeline")
    expect(page.get_by_role("heading", name="Timeline walk-through")).to_be_visible()


def entry_text(page, text):
    return page.locator(".timeline-text").get_by_text(text)


def start_editing(page, entry, text):
    item = page.locator(f"#entry-{entry.pk}")
    item.locator("summary").click()
    item.get_by_label("Text").fill(text)
    return item


def test_different_entries_are_both_saved(live_server, page_as, editor, admin, review,
                                          screenshot):
    meeting, first, second = review
    page_a, page_b = page_as(editor), page_as(admin)
    open_timeline(page_a, live_server, meeting)
    open_timeline(page_b, live_server, meeting)

    item_a = start_editing(page_a, first, "Error rate above 2% on checkout")
    item_b = start_editing(page_b, second, "On-call acknowledged from the train")
    item_a.get_by_role("button", name="Save entry").click()
    expect(entry_text(page_a, "Error rate above 2% on checkout")).to_be_visible()
    item_b.get_by_role("button", name="Save entry").click()
    expect(entry_text(page_b, "On-call acknowledged from the train")).to_be_visible()

    assert TimelineEntry.objects.get(pk=first.pk).text == "Error rate above 2% on checkout"
    assert TimelineEntry.objects.get(pk=second.pk).text == "On-call acknowledged from the train"
    assert not EditConflict.objects.exists()
    # Each screen catches up with the other's edit by polling.
    expect(entry_text(page_a, "On-call acknowledged from the train")).to_be_visible(timeout=8000)
    expect(entry_text(page_b, "Error rate above 2% on checkout")).to_be_visible(timeout=8000)
    screenshot(page_a, "meeting-two-editors-both-saved")


def test_the_same_field_gives_the_second_a_conflict_and_nothing_is_lost(
        live_server, page_as, editor, admin, review, screenshot):
    meeting, first, _ = review
    page_a, page_b = page_as(editor), page_as(admin)
    open_timeline(page_a, live_server, meeting)
    open_timeline(page_b, live_server, meeting)

    item_b = start_editing(page_b, first, "Ada: alert fired at 2% (threshold too high)")
    item_a = start_editing(page_a, first, "Erin: alert fired on the checkout SLO")
    item_a.get_by_role("button", name="Save entry").click()
    expect(entry_text(page_a, "Erin: alert fired on the checkout SLO")).to_be_visible()

    item_b.get_by_role("button", name="Save entry").click()
    conflict = page_b.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_test_id("theirs-text")).to_have_text(
        "Erin: alert fired on the checkout SLO")
    expect(conflict.get_by_test_id("yours-text")).to_have_text(
        "Ada: alert fired at 2% (threshold too high)")
    # Ada's screen keeps the conflict on screen even while polling brings news.
    page_b.wait_for_timeout(3500)
    expect(conflict).to_be_visible()
    screenshot(page_b, "meeting-conflict-theirs-beside-yours")

    merged = ("Erin: alert fired on the checkout SLO. "
              "Ada: the 2% threshold is too high")
    conflict.get_by_label("Text").fill(merged)
    conflict.get_by_role("button", name="Save merged version").click()
    expect(entry_text(page_b, merged)).to_be_visible()
    expect(entry_text(page_a, merged)).to_be_visible(timeout=8000)

    texts = list(TimelineEntry.history.filter(id=first.pk).order_by("history_id")
                 .values_list("version", "text"))
    assert texts[-2:] == [(2, "Erin: alert fired on the checkout SLO"), (3, merged)]
    # The postmortem's history tells the story: both saves, before → after, and the refusal.
    page_b.goto(f"{live_server.url}/incidents/{meeting.postmortem.incident_id}"
                "/postmortem/history/")
    events = page_b.get_by_test_id("history-events")
    expect(events).to_contain_text("Erin changed timeline entry")
    expect(events.locator("ins").filter(has_text=merged)).to_be_visible()
    expect(page_b.get_by_test_id("conflicts")).to_contain_text("ada edited")
    screenshot(page_b, "postmortem-history")
    refused = EditConflict.objects.get()
    assert refused.attempted["text"] == "Ada: alert fired at 2% (threshold too high)"
    assert (refused.user, refused.base_version, refused.current_version) == (admin, 1, 2)
    assert refused.outcome == EditConflict.Outcome.MERGED


def test_a_new_timeline_entry_appears_on_the_other_screen(live_server, page_as, editor, admin,
                                                          review, screenshot):
    meeting, _, _ = review
    page_a, page_b = page_as(editor), page_as(admin)
    open_timeline(page_a, live_server, meeting)
    open_timeline(page_b, live_server, meeting)

    page_b.get_by_text("Add a timeline entry").click()
    form = page_b.get_by_role("form", name="Add a timeline entry")
    form.get_by_label("Time (UTC)").fill("2026-03-04T10:12:00")
    form.get_by_label("Kind").select_option("fix_deployed")
    form.get_by_label("Text").fill("Rolled back to the previous release")
    form.get_by_role("button", name="Add entry").click()
    expect(entry_text(page_b, "Rolled back to the previous release")).to_be_visible()

    # No reload on Erin's screen: the poll brings it within a few seconds.
    expect(entry_text(page_a, "Rolled back to the previous release")).to_be_visible(
        timeout=6000)
    expect(page_a.locator("#meeting-notice")).to_contain_text("ada changed: timeline")
    screenshot(page_a, "meeting-sees-the-other-screens-entry")
