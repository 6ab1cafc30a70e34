"""The profile page: each user creates, names, scopes and revokes their own API tokens; a new
key is shown once; only its hash is stored; the last use is shown."""

import re

import pytest

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once_and_works(alice_client, alice, viewer):
    response = alice_client.post(URL, {"name": "deploy pipeline", "scope": "write"},
                                 follow=True)
    page = response.content.decode()
    key = re.search(r'id="new-key"[^>]*value="([^"]+)"', page)[1]
    token = ApiToken.objects.get(user=alice)
    assert token.name == "deploy pipeline" and token.scope == "write"
    assert key not in token.key_digest and ApiToken.find(key) == token
    again = alice_client.get(URL).content.decode()
    assert key not in again and "deploy pipeline" in again
    assert "Read and write" in again


def test_the_last_use_is_shown(alice_client, alice, client):
    _, key = ApiToken.issue(alice, "ci")
    assert "never" in alice_client.get(URL).content.decode()
    client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {key}")
    token = ApiToken.objects.get()
    shown = token.last_used_at.strftime("%Y-%m-%d %H:%M:%S")
    assert shown in alice_client.get(URL).content.decode()


def test_a_nameless_token_is_refused_with_the_field(alice_client):
    response = alice_client.post(URL, {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token(alice_client, alice, client):
    token, key = ApiToken.issue(alice, "ci")
    response = alice_client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {key}"
                      ).status_code == 401


def test_nobody_sees_or_revokes_another_users_tokens(alice_client, bob):
    token, _ = ApiToken.issue(bob, "bobs pipeline")
    assert "bobs pipeline" not in alice_client.get(URL).content.decode()
    assert alice_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert alice_client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
