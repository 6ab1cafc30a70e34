"""The Content-Security-Policy (issue 10, finding 8): every page is served with a strict
policy (no inline script) and the main pages run under it without a single violation."""

import pytest

from postmortems.models.meetings import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_main_pages_run_without_csp_violations(live_server, page, login, editor, make,
                                                    offline_source, make_slo, screenshot):
    incident = make.incident(owner=editor)
    postmortem = make.postmortem(incident)
    make.timeline_entry(postmortem)
    meeting = Meeting.start(postmortem, editor)
    slo = make_slo(offline_source)
    login(editor)
    violations, errors = [], []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    pages = ["/", "/incidents/", f"/incidents/{incident.pk}/",
             f"/incidents/{incident.pk}/postmortem/", "/actions/", "/slos/",
             f"/slos/{slo.pk}/", f"/slos/{slo.pk}/edit/", "/slos/new/",
             f"/meetings/{meeting.pk}/", "/accounts/password/"]
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
            "script-src")[1].split(";")[0]
        page.wait_for_load_state("networkidle")
    screenshot(page, "password-change-under-csp")
    assert violations == [] and errors == []


def test_the_slo_delete_still_asks_first(live_server, page, login, admin_user, offline_source,
                                         make_slo):
    slo = make_slo(offline_source)
    login(admin_user)
    page.goto(f"{live_server.url}/slos/{slo.pk}/edit/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Delete this SLO").click()
    assert asked == ["Delete this SLO and its whole history?"]
    page.goto(f"{live_server.url}/slos/{slo.pk}/")  # dismissed: still there
    assert page.get_by_role("heading", name=slo.name).is_visible()
