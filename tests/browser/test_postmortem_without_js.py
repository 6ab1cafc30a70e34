"""With JavaScript off, the timeline still works through normal form posts."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_timeline_works_with_javascript_off(live_server, browser, editor, screenshot):
    from tests import factories

    pm = factories.postmortem(factories.incident(owner=editor))
    client = Client()
    client.force_login(editor)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400,
                                                                       "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/incidents/{pm.incident_id}/postmortem/")

    form = page.get_by_role("form", name="Add a timeline entry")
    form.get_by_label("Time (UTC)").fill("2026-03-04T10:04:10")
    form.get_by_label("Text").fill("Alert fired, typed with JS off")
    form.get_by_role("button", name="Add entry").click()
    entries = page.get_by_test_id("timeline-entries").locator("li[id^='entry-']")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("2026-03-04 10:04:10 UTC")

    entries.first.get_by_role("link", name="Edit").click()  # a full page
    expect(page.get_by_role("heading", name="Edit timeline entry")).to_be_visible()
    page.get_by_label("Text").fill("Alert fired (edited with JS off)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("timeline-entries")).to_contain_text("edited with JS off")

    paste = page.get_by_role("form", name="Paste timeline lines")
    paste.get_by_label("Paste timeline lines").fill("10:30 Recovered\nnot a line")
    paste.get_by_role("button", name="Add pasted lines").click()
    expect(page.get_by_test_id("paste-errors")).to_contain_text("Line 2")
    expect(page.get_by_test_id("timeline-entries").locator("li[id^='entry-']")).to_have_count(2)
    screenshot(page, "postmortem-timeline-no-js")

    page.get_by_test_id("timeline-entries").locator("li[id^='entry-']").first.get_by_role(
        "button", name="Delete").click()
    expect(page.get_by_test_id("timeline-entries").locator("li[id^='entry-']")).to_have_count(1)
    context.close()
