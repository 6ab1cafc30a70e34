"""Data sources: secrets are sent to Prometheus but never shown back in forms or logs."""

import logging

import pytest

from slos.models import DataSource

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-token-value"


@pytest.fixture
def editor_client(client, editor):
    """Erin administers the site: only admins change data sources."""
    from accounts.roles import set_role

    set_role(editor, "admin")
    client.force_login(editor)
    return client


def test_it_requires_login(client):
    assert client.get("/slos/data-sources/").status_code == 302


def test_it_refuses_other_methods(editor_client):
    assert editor_client.delete("/slos/data-sources/new/").status_code == 405


def test_a_stored_secret_is_never_rendered_back(editor_client):
    source = DataSource.objects.create(name="prod", url="http://prom:9090",
                                       auth=DataSource.Auth.BEARER, bearer_token=SECRET)
    for path in ("/slos/data-sources/", f"/slos/data-sources/{source.pk}/edit/"):
        text = editor_client.get(path).content.decode()
        assert SECRET not in text
    assert "A value is stored. Leave blank to keep it." in text
    assert SECRET not in repr(source) and SECRET not in repr(source.client())


def test_a_blank_secret_keeps_the_stored_one(editor_client, settings):
    settings.PROMETHEUS_ALLOWED_HOSTS = ["prom"]
    source = DataSource.objects.create(name="prod", url="http://prom:9090",
                                       auth=DataSource.Auth.BASIC, username="u",
                                       password=SECRET)
    response = editor_client.post(f"/slos/data-sources/{source.pk}/edit/", {
        "name": "prod", "url": "http://prom:9091", "auth": "basic", "username": "u",
        "password": "", "bearer_token": "", "timeout_seconds": "3"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.password == SECRET and source.url == "http://prom:9091"


def test_bearer_auth_needs_a_token(editor_client):
    response = editor_client.post("/slos/data-sources/new/", {
        "name": "prod", "url": "http://prom:9090", "auth": "bearer", "bearer_token": "",
        "username": "", "password": "", "timeout_seconds": "5"})
    assert response.status_code == 200
    assert "A bearer token is needed" in response.content.decode()
    assert not DataSource.objects.exists()


def test_a_timeout_out_of_range_is_refused(editor_client):
    response = editor_client.post("/slos/data-sources/new/", {
        "name": "prod", "url": "http://prom:9090", "auth": "none", "timeout_seconds": "500"})
    assert "between 0 and 120 seconds" in response.content.decode()


def test_the_credentials_reach_prometheus_but_not_the_logs(fake_prometheus, caplog):
    seen = {}

    class Recorder(fake_prometheus.RequestHandlerClass):
        def do_POST(self):
            seen["authorization"] = self.headers.get("Authorization")
            super().do_POST()

    fake_prometheus.RequestHandlerClass = Recorder
    try:
        source = DataSource(name="x", url=fake_prometheus.url, auth=DataSource.Auth.BEARER,
                            bearer_token=SECRET)
        with caplog.at_level(logging.DEBUG), source.client() as client:
            assert client.value("up") == 0.001
    finally:
        fake_prometheus.RequestHandlerClass = Recorder.__bases__[0]
    assert seen["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in caplog.text
