"""An admin invites a colleague from the users page; the colleague opens the link in their own
browser, chooses a password and is signed in with the role the admin chose."""

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import role_of
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_colleague_sets_a_password_and_is_signed_in(
        live_server, page, login, admin, browser, browser_context_args, screenshot):
    login(admin)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Users and roles").click()
    page.get_by_label("E-mail").fill("kim@example.com")
    page.locator("#id_role").select_option("viewer")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/accounts/invitation/" in link
    screenshot(page, "users-invited")
    violations = axe.violations(page)
    assert not violations, axe.describe({"users page": violations})

    context = browser.new_context(**browser_context_args)  # the colleague's own browser
    colleague = context.new_page()
    colleague.goto(link)
    assert colleague.get_by_text("Choose a password for kim@example.com").is_visible()
    colleague.locator("#id_new_password1").fill("kim")
    colleague.locator("#id_new_password2").fill("kim")
    colleague.get_by_role("button", name="Set password and sign in").click()
    assert colleague.get_by_text("This password is too short.").is_visible()
    screenshot(colleague, "invitation-refused-password")
    colleague.locator("#id_new_password1").fill("a long and fine passphrase")
    colleague.locator("#id_new_password2").fill("a long and fine passphrase")
    colleague.get_by_role("button", name="Set password and sign in").click()
    colleague.wait_for_url(live_server.url + "/")
    assert colleague.get_by_text("your password is set and you are signed in").is_visible()
    screenshot(colleague, "invitation-accepted")
    kim = get_user_model().objects.get(email="kim@example.com")
    assert kim.is_active and role_of(kim) == "viewer"

    page.reload()
    row = page.locator('[data-testid="user-row"][data-username="kim@example.com"]')
    assert "Active" in row.inner_text() and "password" in row.inner_text()
    events = page.get_by_test_id("user-events").inner_text()
    assert "accepted the invitation" in events and "invited (as viewer) · by ada" in events
    context.close()
