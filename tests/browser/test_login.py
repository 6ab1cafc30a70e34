"""The login flow in a real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_and_out(live_server, page, editor, screenshot):
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("erin-password")
    screenshot(page, "login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_text("Times in UTC").is_visible()
    screenshot(page, "dashboard")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def test_a_wrong_password_is_refused_with_a_message(live_server, page, editor):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill("nope")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Please enter a correct username and password").is_visible()
