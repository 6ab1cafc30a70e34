"""Production settings (issue 10, finding 8): `check --deploy` is clean with the documented
production environment, a short SECRET_KEY stops start-up, sessions expire when idle."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "production-like-key-" + "k7Qz9xWm2pLr5vTn8bYc4dFh6jGs3aEu"  # 52 characters
PRODUCTION = {  # the environment README's Security section documents
    "DEBUG": "0", "SECRET_KEY": LONG_KEY, "ALLOWED_HOSTS": "postmortems.example.com",
    "SECURE_PROXY_SSL_HEADER": "1", "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1", "METRICS_TOKEN": "scrape-token",
}


def run(args, **env):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SECURE_", "METRICS_")) and k not in
             {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
              "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_hsts_and_redirect(tmp_path):
    environment = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **environment)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_a_short_secret_key_stops_start_up_when_debug_is_off():
    result = run(["-c", "import config.settings"], DEBUG="0", SECRET_KEY="x" * 49)
    assert result.returncode != 0
    assert "SECRET_KEY is 49 characters long; at least 50 are required" in result.stderr


def test_a_short_secret_key_is_fine_in_debug():
    assert run(["-c", "import config.settings"], DEBUG="1", SECRET_KEY="short").returncode == 0


def test_hsts_and_the_redirect_are_opt_in():
    code = ("import config.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
            " s.SESSION_COOKIE_AGE, s.SESSION_REFRESH_SECONDS, s.SESSION_SAVE_EVERY_REQUEST)")
    assert run(["-c", code], DEBUG="0", SECRET_KEY=LONG_KEY).stdout.split() == [
        "0", "False", "28800", "300", "False"]
    assert run(["-c", code], **PRODUCTION, SESSION_IDLE_SECONDS="600").stdout.split() == [
        "31536000", "True", "600", "300", "False"]
    assert run(["-c", code], **PRODUCTION, SESSION_IDLE_SECONDS="120").stdout.split()[2:4] == [
        "120", "60"]  # refreshed at least twice within the idle time


@pytest.mark.django_db
def test_the_ssl_redirect_sends_http_to_https_and_spares_the_probes(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"}
                      ).status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_set(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
def test_a_session_ends_after_the_idle_time(client, editor, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from config.sessions import REFRESHED_AT

    client.force_login(editor)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    idle = session.expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < idle <= timedelta(hours=8)
    # Requests within the refresh interval do not push the end out; one after it does.
    stored = client.session
    stored[REFRESHED_AT] -= settings.SESSION_REFRESH_SECONDS
    stored.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=5))
    assert client.get("/").status_code == 200
    idle = Session.objects.get().expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < idle <= timedelta(hours=8)
    # SESSION_IDLE_SECONDS without a request: the session has ended.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302
