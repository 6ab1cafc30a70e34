"""Meeting mode with JavaScript off: the agenda links show one section at a time and the forms
post normally, coming back to the same section."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from postmortems.models import Meeting
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_meeting_works_with_javascript_off(live_server, browser, browser_context_args,
                                               editor):
    from django.test import Client

    meeting = Meeting.start(factories.postmortem(factories.incident(owner=editor)), editor)
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    client = Client()
    client.force_login(editor)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        expect(page.get_by_role("heading", name="Opening")).to_be_visible()
        expect(page.get_by_role("heading", name="Closing")).to_be_hidden()
        page.get_by_test_id("agenda-closing").click()
        expect(page.get_by_role("heading", name="Closing")).to_be_visible()
        expect(page.get_by_role("heading", name="Opening")).to_be_hidden()
        form = page.get_by_role("form", name="Record a decision")
        form.get_by_label("Decision").fill("Keep the canary mandatory")
        form.get_by_role("button", name="Record decision").click()
        expect(page.get_by_text("Decision recorded.")).to_be_visible()
        expect(page.get_by_test_id("decisions")).to_contain_text("Keep the canary mandatory")
        expect(page.get_by_role("heading", name="Closing")).to_be_visible()
    finally:
        context.close()
