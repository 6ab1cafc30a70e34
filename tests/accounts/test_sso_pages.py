"""The sign-in pages with single sign-on configured: the button, passwords turned off, and a
provider that is down or an answer that is not for us shown as a message, never a 500."""

import pytest

from tests.slos.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso(settings):
    from django.core.cache import cache

    settings.OIDC_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "postmortems", "s"
    settings.OIDC_PROVIDER_NAME = "Example IdP"
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                                        "accounts.sso.SsoBackend",
                                        "django.contrib.auth.backends.ModelBackend"]
    cache.clear()
    yield settings
    cache.clear()


def test_without_sso_the_login_page_is_unchanged(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/accounts/sso/login/").status_code == 404


def test_the_login_page_offers_the_provider_beside_passwords(client, sso):
    page = client.get("/accounts/login/?next=/slos/").content.decode()
    assert 'href="/accounts/sso/login/?next=/slos/"' in page
    assert "Sign in with Example IdP" in page and 'name="password"' in page


def test_with_local_passwords_off_only_the_provider_is_offered(client, sso, editor):
    sso.LOCAL_PASSWORDS = False
    sso.AUTHENTICATION_BACKENDS = sso.AUTHENTICATION_BACKENDS[:2]
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Example IdP" in page and 'name="password"' not in page
    response = client.post("/accounts/login/", {"username": "erin", "password": "erin-password"})
    assert response.status_code == 400
    assert "Passwords are turned off on this site" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_a_provider_that_is_down_is_a_message(client, sso):
    response = client.get("/accounts/sso/login/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Example IdP cannot be reached" in response.content.decode()


def test_a_callback_without_our_state_is_a_message(client, sso):
    response = client.get("/accounts/sso/callback/?code=x&state=forged", follow=True)
    assert response.status_code == 200
    assert "Single sign-on did not complete" in response.content.decode()


def test_a_provider_error_is_shown(client, sso):
    response = client.get("/accounts/sso/callback/?error=access_denied", follow=True)
    assert "Example IdP did not sign you in (access_denied)" in response.content.decode()


def test_a_replayed_callback_is_a_message_not_a_500(client, sso):
    session = client.session
    session["oidc_states"] = {"other": {"nonce": "n", "code_verifier": None}}
    session.save()
    response = client.get("/accounts/sso/callback/?code=x&state=forged", follow=True)
    assert response.status_code == 200
    assert "could not be checked" in response.content.decode()


def test_signing_out_without_single_sign_on_stays_here(editor_client):
    response = editor_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_deactivating_a_user_ends_their_single_sign_on_sessions(sso, admin_client, viewer):
    from django.test import Client

    browser = Client()  # the viewer's own, beside the admin's
    browser.force_login(viewer, backend="accounts.sso.SsoBackend")
    assert browser.get("/").status_code == 200
    admin_client.post(f"/accounts/users/{viewer.pk}/deactivate/")
    assert browser.get("/").status_code == 302  # back to the login page


def test_with_local_passwords_off_the_password_page_says_the_provider_manages_it(
        sso, editor, editor_client):
    sso.LOCAL_PASSWORDS = False
    response = editor_client.get("/accounts/password/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Passwords are managed by Example IdP" in page and 'name="old_password"' not in page
    response = editor_client.post("/accounts/password/", {
        "old_password": "erin-password", "new_password1": "a-new-Passw0rd-here",
        "new_password2": "a-new-Passw0rd-here"})
    assert response.status_code == 404
    editor.refresh_from_db()
    assert not editor.check_password("a-new-Passw0rd-here")
    assert "Change password" not in editor_client.get("/accounts/profile/").content.decode()


def test_with_local_passwords_on_the_password_page_is_the_form(sso, editor_client):
    page = editor_client.get("/accounts/password/").content.decode()
    assert 'name="old_password"' in page
