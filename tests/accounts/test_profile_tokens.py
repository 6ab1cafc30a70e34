"""The profile page: each user creates, names, scopes and revokes their own API tokens; a new
key is shown once; only its hash is stored; the last use is shown."""

import re

import pytest

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_a_new_token_is_shown_once_and_works(editor_client, editor, viewer):
    response = editor_client.post(URL, {"name": "deploy pipeline", "scope": "write"},
                                 follow=True)
    page = response.content.decode()
    key = re.search(r'id="new-key"[^>]*value="([^"]+)"', page)[1]
    token = ApiToken.objects.get(user=editor)
    assert token.name == "deploy pipeline" and token.scope == "write"
    assert key not in token.key_digest and ApiToken.find(key) == token
    again = editor_client.get(URL).content.decode()
    assert key not in again and "deploy pipeline" in again
    assert "Read and write" in again


def test_the_last_use_is_shown(editor_client, editor, client):
    _, key = ApiToken.issue(editor, "ci")
    assert "never" in editor_client.get(URL).content.decode()
    client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {key}")
    token = ApiToken.objects.get()
    shown = token.last_used_at.strftime("%Y-%m-%d %H:%M:%S")
    assert shown in editor_client.get(URL).content.decode()


def test_a_nameless_token_is_refused_with_the_field(editor_client):
    response = editor_client.post(URL, {"name": "", "scope": "read"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token(editor_client, editor, client):
    token, key = ApiToken.issue(editor, "ci")
    response = editor_client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Bearer {key}"
                      ).status_code == 401


def test_nobody_sees_or_revokes_another_users_tokens(editor_client, admin):
    token, _ = ApiToken.issue(admin, "bobs pipeline")
    assert "bobs pipeline" not in editor_client.get(URL).content.decode()
    assert editor_client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert editor_client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
