"""Input the server refuses (a 400 answer to an htmx post) is shown back in place, never
silently dropped."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pasted_lines_that_all_fail_are_shown_back_with_reasons(
        live_server, page, editor, login, screenshot):
    document = factories.postmortem(factories.incident(owner=editor))
    login(editor)
    page.goto(f"{live_server.url}/incidents/{document.incident_id}/postmortem/")

    paste = page.get_by_role("form", name="Paste timeline lines")
    paste.get_by_label("Paste timeline lines").fill("soon-ish the pager went off")
    with page.expect_response(lambda r: r.url.endswith("/timeline/paste/")) as answer:
        paste.get_by_role("button", name="Add pasted lines").click()
    assert answer.value.status == 400

    errors = page.get_by_test_id("paste-errors")
    expect(errors).to_contain_text("soon-ish the pager went off")
    expect(paste.get_by_label("Paste timeline lines")).to_have_value(
        "soon-ish the pager went off")
    screenshot(page, "postmortem-paste-refused")
    assert document.timeline.count() == 0


def test_a_refused_timeline_entry_shows_its_error_in_place(
        live_server, page, editor, login):
    document = factories.postmortem(factories.incident(owner=editor))
    login(editor)
    page.goto(f"{live_server.url}/incidents/{document.incident_id}/postmortem/")

    form = page.get_by_role("form", name="Add a timeline entry")
    with page.expect_response(lambda r: r.url.endswith("/timeline/")) as answer:
        form.get_by_role("button", name="Add entry").click()
    assert answer.value.status == 400
    expect(form.get_by_text("This field is required.").first).to_be_visible()
