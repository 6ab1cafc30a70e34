"""A session ends after SESSION_IDLE_SECONDS without a request, but is written at most once
per SESSION_REFRESH_SECONDS: page views, live refreshes and polls in between write nothing."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.sessions import REFRESHED_AT


def session_writes(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in ctx.captured_queries
            if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def age_the_refresh(client, seconds):
    """As if the session's last refresh (and so its last save) were `seconds` ago."""
    session = client.session
    session[REFRESHED_AT] -= seconds
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(hours=8, seconds=-seconds))


@pytest.mark.django_db
def test_a_request_within_the_refresh_interval_writes_no_session(client, editor):
    client.force_login(editor)
    assert session_writes(client, "/") == []
    assert session_writes(client, "/actions/") == []


@pytest.mark.django_db
def test_a_request_after_the_refresh_interval_extends_the_expiry(client, editor, settings):
    client.force_login(editor)
    age_the_refresh(client, settings.SESSION_REFRESH_SECONDS + 1)
    before = Session.objects.get().expire_date
    assert len(session_writes(client, "/")) == 1
    after = Session.objects.get().expire_date
    assert after - before > timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    assert timedelta(hours=7, minutes=59) < after - timezone.now() <= timedelta(hours=8)
    assert session_writes(client, "/") == []  # refreshed: the next request writes nothing


@pytest.mark.django_db
def test_a_request_just_before_the_refresh_interval_writes_nothing(client, editor, settings):
    client.force_login(editor)
    age_the_refresh(client, settings.SESSION_REFRESH_SECONDS - 5)
    assert session_writes(client, "/") == []


@pytest.mark.django_db
def test_anonymous_pages_create_no_session(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 302
    assert not Session.objects.exists()
    assert "sessionid" not in client.cookies


@pytest.mark.django_db
def test_an_unknown_session_cookie_creates_no_session(client):
    client.cookies["sessionid"] = "a" * 32
    assert client.get("/accounts/login/").status_code == 200
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_logout_still_ends_the_session(client, editor):
    client.force_login(editor)
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.exists()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_signing_in_with_the_form_starts_a_fresh_session(client, django_user_model):
    django_user_model.objects.create_user("carol", password="a-long-passphrase-42")
    response = client.post("/accounts/login/",
                           {"username": "carol", "password": "a-long-passphrase-42"})
    assert response.status_code == 302
    assert REFRESHED_AT in client.session
    assert session_writes(client, "/") == []
