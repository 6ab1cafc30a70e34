"""A new user writes a standard postmortem in a real Chromium: incident, 5 timeline entries,
a 5-whys chain, 3 action items (one without owner), sees the orphan badge, fixes it, publishes
and exports Markdown."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from postmortems.models import ActionItem, Incident, Postmortem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMELINE = [
    ("2026-03-04T10:00:00", "trigger", "Deploy 42 raises client timeouts"),
    ("2026-03-04T10:04:10", "alert", "Checkout 5xx above 2%"),
    ("2026-03-04T10:07:00", "acknowledged", "On-call acknowledges"),
]
PASTED = "10:22 [root_cause] Orders DB pool at 100%\n10:38:30 [mitigated] Retries capped"
WHYS = [
    ("Why did checkout fail?", "Requests to the orders database timed out."),
    ("Why did they time out?", "Every pooled connection was busy."),
    ("Why was the pool busy?", "Retries multiplied the load."),
    ("Why were retries unbounded?", "The client library allows unlimited retries."),
    ("Why does nothing check it?", "No retry budget is enforced in CI."),
]


def add_action(page, priority, text, owner, due, ticket, addresses=None):
    form = page.get_by_role("form", name="Add an action item")
    form.get_by_label("Priority").select_option(priority)
    form.get_by_label("Action").fill(text)
    if owner:
        form.get_by_label("Owner").select_option(label=owner)
    if due:
        form.get_by_label("Due date (UTC)").fill(due.isoformat())
    form.get_by_label("Ticket").fill(ticket)
    if addresses:
        form.get_by_label("Addresses why").select_option(label=addresses)
    form.get_by_role("button", name="Add action item").click()
    # Added in place (htmx): the table gets the row, nothing else on the page moves.
    expect(page.get_by_test_id("action-items")).to_contain_text(text)


def test_a_new_user_writes_publishes_and_exports_a_postmortem(
        live_server, page, editor, login, screenshot, settings):
    settings.TICKET_URL_TEMPLATE = "https://jira.example.com/browse/{key}"
    login(editor)
    page.set_default_timeout(10_000)
    url = live_server.url

    # 1. The incident.
    page.goto(url + "/incidents/")
    page.get_by_role("link", name="New incident").click()
    page.get_by_label("Title").fill("Checkout 5xx after pool exhaustion")
    page.get_by_label("Severity").select_option(label="SEV2 – major")  # noqa: RUF001
    page.get_by_label("Started (UTC)").fill("2026-03-04T10:00:00")
    page.get_by_label("Detected (UTC)").fill("2026-03-04T10:04:10")
    page.get_by_label("Mitigated (UTC)").fill("2026-03-04T10:38:30")
    page.get_by_label("Customer facing").check()
    page.get_by_label("Summary").fill("Checkout returned **500s** for half of requests.")
    screenshot(page, "postmortem-1-new-incident")
    page.get_by_role("button", name="Save incident").click()
    expect(page.get_by_test_id("postmortem-required")).to_contain_text("SEV2")
    incident = Incident.objects.get()
    assert incident.detected_at.isoformat() == "2026-03-04T10:04:10+00:00"

    # 2. A standard postmortem.
    page.get_by_label("Standard").check()
    page.get_by_role("button", name="Write the postmortem").click()
    page.get_by_label("Executive summary").fill(
        "A retry storm exhausted the orders DB pool; payments failed for 34 minutes.")
    page.get_by_role("button", name="Save document").first.click()
    expect(page.get_by_text("Postmortem saved.")).to_be_visible()

    # 3. Five timeline entries: three typed in place (htmx, no reload), two pasted.
    marker = page.evaluate("() => (window.__noReload = 'still here')")
    add_form = page.get_by_role("form", name="Add a timeline entry")
    for at, kind, text in reversed(TIMELINE):  # out of order on purpose
        add_form = page.get_by_role("form", name="Add a timeline entry")
        add_form.get_by_label("Time (UTC)").fill(at)
        add_form.get_by_label("Kind").select_option(kind)
        add_form.get_by_label("Text").fill(text)
        add_form.get_by_role("button", name="Add entry").click()
        expect(page.get_by_test_id("timeline-entries")).to_contain_text(text)
    paste = page.get_by_role("form", name="Paste timeline lines")
    paste.get_by_label("Paste timeline lines").fill(PASTED + "\nnot a timeline line")
    paste.get_by_role("button", name="Add pasted lines").click()
    expect(page.get_by_test_id("paste-errors")).to_contain_text("not a timeline line")
    assert page.evaluate("() => window.__noReload") == marker  # no full-page reload
    entries = page.get_by_test_id("timeline-entries").locator("li[id^='entry-']")
    expect(entries).to_have_count(5)
    expect(entries.first).to_contain_text("Deploy 42")
    expect(entries.nth(3)).to_contain_text("Orders DB pool")
    # Edit one in place.
    entries.nth(2).get_by_role("link", name=re.compile("Edit")).click()
    row_form = page.locator("#timeline form").filter(has=page.get_by_role("button", name="Save"))
    row_form.get_by_label("Text").fill("On-call acknowledges the page")
    row_form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("timeline-entries")).to_contain_text("acknowledges the page")
    screenshot(page, "postmortem-2-timeline")

    # 4. The 5-whys chain, the last one the root cause.
    for number, (question, answer) in enumerate(WHYS, start=1):
        form = page.get_by_role("form", name="Add a why")
        form.get_by_label("Question").fill(question)
        form.get_by_role("textbox", name="Answer").fill(answer)
        if number == len(WHYS):
            form.get_by_label("This answer is the root cause").check()
        form.get_by_role("button", name="Add why").click()
        expect(page.get_by_test_id("why-chain").locator("> li[data-position]")).to_have_count(
            number)
    chain = page.get_by_test_id("why-chain").locator("> li")
    expect(chain).to_have_count(5)
    expect(chain.last).to_contain_text("Root cause")
    page.get_by_label("Customers affected").fill("4200")
    page.get_by_label("Impact duration (minutes)").fill("34")
    page.get_by_label("Revenue impact").fill("18500")
    page.get_by_label("Revenue currency").fill("EUR")
    page.get_by_label("Support tickets").fill("57")
    page.locator("#impact").get_by_role("button", name="Save document").click()
    expect(page.get_by_text("Postmortem saved.")).to_be_visible()
    page.get_by_label("Contributing factor").fill("Pool saturation had no alert")
    page.get_by_role("button", name="Add factor").click()
    page.locator("#whys").scroll_into_view_if_needed()
    screenshot(page, "postmortem-3-whys")

    # 5. Three action items, one without an owner.
    today = timezone.now().date()
    add_action(page, "P0", "Cap retries in the shared HTTP client", "Erin",
               today + timedelta(days=7), "OPS-101",
               addresses="Why 5: No retry budget is enforced in CI.")
    add_action(page, "P1", "Add a retry budget check to CI", "Erin", today + timedelta(days=14),
               "OPS-102")
    due = today + timedelta(days=30)
    add_action(page, "P2", "Alert on pool saturation", None, due, "OPS-103")
    expect(page.get_by_test_id("action-items").locator("tbody tr")).to_have_count(3)

    # 6. The orphan is flagged on the incident page and in the tracker; publishing is refused.
    page.get_by_role("button", name="Publish").click()
    refusal = page.get_by_role("alert").filter(has_text="cannot be published")
    expect(refusal).to_contain_text("Alert on pool saturation")
    expect(refusal).to_contain_text("no owner")
    expect(page.get_by_test_id("postmortem-state")).to_have_text("Draft")
    page.goto(f"{url}/incidents/{incident.pk}/")
    badge = page.get_by_test_id("orphan-badge")
    expect(badge).to_have_text("Orphaned: no owner")
    screenshot(page, "postmortem-4-incident-orphan")
    page.get_by_role("link", name="Action items").click()
    page.get_by_test_id("orphaned-filter").click()
    expect(page.get_by_test_id("orphan-badge")).to_have_count(1)
    expect(page.get_by_test_id("action-items")).to_contain_text("Alert on pool saturation")
    screenshot(page, "postmortem-5-tracker-orphan")

    # 7. Fix it from the tracker.
    page.get_by_role("link", name="Edit Alert on pool saturation").click()
    page.get_by_label("Owner").select_option(label="Erin")
    page.get_by_role("button", name="Save action item").click()
    expect(page.get_by_text("Action item saved")).to_be_visible()
    expect(page.get_by_test_id("orphan-badge")).to_have_count(0)
    assert not ActionItem.objects.orphaned().exists()

    # 8. Publish, then export Markdown.
    page.goto(f"{url}/incidents/{incident.pk}/postmortem/")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("postmortem-state")).to_have_text("Published")
    assert Postmortem.objects.get().state == Postmortem.State.PUBLISHED
    screenshot(page, "postmortem-6-published")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export Markdown").click()
    markdown = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Postmortem: Checkout 5xx after pool exhaustion\n")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == ["## Executive Summary", "## Timeline (UTC)", "## Root Cause Analysis",
                        "## Impact", "## Action Items"]
    assert len(re.findall(r"^\| 10:\d\d(:\d\d)? \|", markdown, re.MULTILINE)) == 5 + 3
    assert "| 10:04:10 | — | Detected (key time) |" in markdown  # the incident's key times
    assert "5. Why does nothing check it? → **Root cause:** No retry budget" in markdown
    assert f"| P2 | Alert on pool saturation | @erin | {due} | OPS-103 | Open | — |" in markdown
    assert "- Customers affected: 4,200" in markdown
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", name="Checkout 5xx after pool exhaustion")).to_be_visible()
    expect(page.get_by_role("link", name="OPS-101")).to_have_attribute(
        "href", "https://jira.example.com/browse/OPS-101")
    screenshot(page, "postmortem-7-print")
