"""Single sign-on in a real Chromium through a real OpenID Connect provider process: the user
types their password on the provider's page, comes back signed in with the role their groups
give, gets the role their new groups give at the next sign-in, and signing out ends the
provider's session too."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from accounts.roles import role_of
from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, password, then="/"):
    page.goto(live_server.url + then)
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name="Sign in with Example IdP").click()
    page.wait_for_url("http://127.0.0.1:*/login/**")  # the provider's own page
    assert page.get_by_role("heading", name="Example Identity Provider").is_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(live_server.url + then)


def test_sign_in_with_the_provider_role_from_groups_and_sign_out(
        live_server, page, single_sign_on, make, screenshot, admin):
    # ``admin``: another active admin, so the groups may take the role from Sam (the last
    # active admin keeps it: test_sso_sign_in.py).
    incident = make.incident(title="Checkout errors")
    single_sign_on.user("sam", "sam-password-at-the-idp", email="sam@example.com",
                        groups=["sre-admins", "staff"], first_name="Sam")

    page.goto(live_server.url + "/")
    screenshot(page, "sso-login-page")
    sign_in(page, live_server, "sam", "sam-password-at-the-idp")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    sam = get_user_model().objects.get(email="sam@example.com")
    assert sam.username == "sam" and sam.first_name == "Sam"
    assert role_of(sam) == "admin"  # sre-admins=admin beats staff=viewer

    page.goto(live_server.url + "/accounts/users/")  # an admin's page
    assert page.get_by_role("heading", name="Users and roles").is_visible()
    row = page.locator('[data-testid="user-row"][data-username="sam"]')
    assert "single sign-on" in row.inner_text()
    assert page.get_by_label("Role of sam").input_value() == "admin"
    screenshot(page, "sso-admin-users-page")
    violations = axe.violations(page)
    assert not violations, axe.describe({"users page": violations})

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/accounts/login/")
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url  # signed out here

    # The provider moved Sam to staff only: the next sign-in makes him a viewer. He types his
    # password again: signing out ended the provider's session too.
    single_sign_on.user("sam", "sam-password-at-the-idp", email="sam@example.com",
                        groups=["staff"], first_name="Sam")
    sign_in(page, live_server, "sam", "sam-password-at-the-idp",
            then=f"/incidents/{incident.pk}/")
    assert role_of(get_user_model().objects.get(pk=sam.pk)) == "viewer"
    assert page.get_by_role("heading", name="Checkout errors").is_visible()
    assert page.get_by_role("link", name="Edit incident").count() == 0
    screenshot(page, "sso-viewer-incident")
    assert page.goto(live_server.url + "/accounts/users/").status == 403
    assert get_user_model().objects.filter(email="sam@example.com").count() == 1


def test_a_user_in_no_mapped_group_is_refused_with_the_reason(live_server, page,
                                                              single_sign_on, screenshot):
    single_sign_on.user("nina", "nina-password-at-the-idp", email="nina@example.com",
                        groups=["marketing"])
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in with Example IdP").click()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Password").fill("nina-password-at-the-idp")
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(live_server.url + "/accounts/login/")
    assert page.get_by_role("alert").filter(
        has_text="in none of the groups that give a role here").is_visible()
    screenshot(page, "sso-refused")
    assert not get_user_model().objects.filter(email="nina@example.com").exists()
    # Not a password guess: a refusal does not count towards locking the address out.
    assert not AccessAttempt.objects.exists()
