"""The tracker configuration page: admins add and change connections; credentials are
encrypted at rest and never shown back; the server only calls allowed hosts; without an
encryption key trackers are off and say so. (Only admins change trackers: the role test of
tests/accounts walks these URLs, NEEDS_ADMIN_ROLE in tests/routes.py.)"""

import pytest
from django.urls import reverse

from tests.trackers.servers import connect
from trackers import crypto
from trackers.models import ServiceTracker, TrackerConnection

pytestmark = pytest.mark.django_db

TOKEN = "ghp_very-secret-token-1234567890"
SECRET = "webhook-secret-abcdef"


def form(**overrides):
    data = {"name": "Shop issues", "kind": "github", "base_url": "http://127.0.0.1:9",
            "project": "acme/shop", "issue_type": "Task", "email": "",
            "token": TOKEN, "webhook_secret": SECRET}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_everyone_reads_the_list_without_credentials(client, viewer, tracker_server):
    client.force_login(viewer)
    tracker = connect(tracker_server("github"))
    page = client.get(reverse("trackers:connections")).content.decode()
    assert tracker.name in page
    assert f"/api/v1/trackers/{tracker.pk}/webhook/" in page
    assert "tracker-token-0123" not in page and "hook-secret-4567" not in page
    assert "New tracker" not in page and "Edit" not in page


def test_an_admin_adds_a_tracker_credentials_encrypted_never_shown(admin_client, make):
    service = make.service()
    response = admin_client.post(reverse("trackers:connection_create"),
                                 form(services=[service.pk], is_default="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    connection = TrackerConnection.objects.get()
    assert connection.token == TOKEN and connection.webhook_secret == SECRET
    assert TOKEN not in connection.token_encrypted
    assert SECRET not in connection.webhook_secret_encrypted
    assert ServiceTracker.objects.get().service == service
    assert connection.is_default

    edit = admin_client.get(reverse("trackers:connection_edit", args=[connection.pk]))
    page = edit.content.decode()
    assert TOKEN not in page and SECRET not in page
    assert connection.token_encrypted not in page
    assert page.count("Set — leave empty to keep.") == 2

    # Saved again with the secrets left empty: they are kept.
    response = admin_client.post(reverse("trackers:connection_edit", args=[connection.pk]),
                                 form(name="Shop", token="", webhook_secret=""))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Shop" and connection.token == TOKEN
    assert connection.webhook_secret == SECRET
    assert not ServiceTracker.objects.exists()  # no service ticked this time


def test_github_and_gitlab_default_to_their_public_api(admin_client, settings):
    settings.TRACKER_ALLOWED_HOSTS = ["api.github.com", "gitlab.com"]
    admin_client.post(reverse("trackers:connection_create"), form(base_url=""))
    admin_client.post(reverse("trackers:connection_create"),
                      form(name="Lab", kind="gitlab", base_url="", project="grp/app"))
    urls = dict(TrackerConnection.objects.values_list("kind", "base_url"))
    assert urls == {"github": "https://api.github.com", "gitlab": "https://gitlab.com"}


@pytest.mark.parametrize("overrides, field, message", [
    ({"base_url": "http://169.254.169.254"}, "base_url", "not an allowed tracker host"),
    ({"base_url": "ftp://x"}, "base_url", "Enter an http:// or https:// URL"),
    ({"kind": "jira_cloud", "project": "OPS", "email": ""}, "email", "e-mail"),
    ({"kind": "jira_dc", "project": "ops team"}, "project", "project key"),
    ({"project": "shop"}, "project", "owner/repo"),
    ({"token": ""}, "token", "A token is needed"),
    ({"webhook_secret": ""}, "webhook_secret", "webhook secret is needed"),
    ({"kind": "jira_cloud", "project": "OPS", "email": "a@b.c", "base_url": ""},
     "base_url", "Jira site"),
])
def test_bad_input_is_refused_with_a_message(admin_client, overrides, field, message):
    response = admin_client.post(reverse("trackers:connection_create"), form(**overrides))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not TrackerConnection.objects.exists()


def test_one_service_one_tracker_and_the_default_moves(admin_client, tracker_server, make):
    service = make.service()
    first = connect(tracker_server("github"), name="First")
    ServiceTracker.objects.create(service=service, connection=first)
    response = admin_client.post(reverse("trackers:connection_create"),
                                 form(name="Second", services=[service.pk], is_default="on"))
    assert response.status_code == 400
    assert "files its tickets in First already" in str(response.context["form"].errors)
    response = admin_client.post(reverse("trackers:connection_create"),
                                 form(name="Second", is_default="on"))
    assert response.status_code == 302
    assert list(TrackerConnection.objects.filter(is_default=True)
                .values_list("name", flat=True)) == ["Second"]


def test_without_an_encryption_key_trackers_are_off_and_say_so(admin_client, settings):
    settings.TRACKER_ENCRYPTION_KEYS = []
    page = admin_client.get(reverse("trackers:connections")).content.decode()
    assert "TRACKER_ENCRYPTION_KEY is not set" in page
    response = admin_client.post(reverse("trackers:connection_create"), form())
    assert response.status_code == 400
    assert "TRACKER_ENCRYPTION_KEY is not set" in response.content.decode()
    assert not TrackerConnection.objects.exists()
    with pytest.raises(crypto.KeyMissing):
        crypto.encrypt("x")


def test_a_secret_stored_with_another_key_is_refused_clearly(tracker_server, settings):
    from cryptography.fernet import Fernet

    connection = connect(tracker_server("github"))
    settings.TRACKER_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.UnreadableSecret, match="enters it again"):
        connection.token  # noqa: B018


def test_an_old_key_still_decrypts_after_rotation(tracker_server, settings):
    from cryptography.fernet import Fernet

    connection = connect(tracker_server("github"))
    old = settings.TRACKER_ENCRYPTION_KEYS[0]
    settings.TRACKER_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert TrackerConnection.objects.get(pk=connection.pk).token == "tracker-token-0123"


def test_a_bad_key_in_the_environment_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRACKER_ENCRYPTION_KEY": "not-a-key", "DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", "import django, os; "
                             "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
                             " django.setup()"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "TRACKER_ENCRYPTION_KEY holds a value that is not a Fernet key" in result.stderr


def test_an_admin_deletes_a_tracker(admin_client, tracker_server):
    connection = connect(tracker_server("gitlab"))
    response = admin_client.post(reverse("trackers:connection_delete", args=[connection.pk]))
    assert response.status_code == 302
    assert not TrackerConnection.objects.exists()
