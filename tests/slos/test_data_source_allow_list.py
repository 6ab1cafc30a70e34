"""Data sources cannot turn the server into a proxy (issue 10, finding 3): only admins create
or change them, only allowed hosts are accepted, and a failed check shows Prometheus's own
error message, never the body of whatever else answered."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.roles import set_role
from slos.models import DataSource

pytestmark = pytest.mark.django_db

INTERNAL_PAGE = b"<html>internal admin console: db password hunter2</html>"


class InternalPage(BaseHTTPRequestHandler):
    """Some internal service that is not Prometheus: answers 404 with a page."""

    def do_POST(self):
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(INTERNAL_PAGE)))
        self.end_headers()
        self.wfile.write(INTERNAL_PAGE)

    def log_message(self, *args):
        pass


@pytest.fixture
def internal_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), InternalPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def source_form(url, name="Internal"):
    return {"name": name, "url": url, "auth": "none", "timeout_seconds": "2"}


def test_an_editor_cannot_add_or_change_a_data_source(editor_client, offline_source):
    assert editor_client.get("/slos/data-sources/new/").status_code == 403
    assert editor_client.post("/slos/data-sources/new/",
                             source_form("http://127.0.0.1:1")).status_code == 403
    assert editor_client.post(f"/slos/data-sources/{offline_source.pk}/edit/",
                             source_form("http://127.0.0.1:2")).status_code == 403
    assert list(DataSource.objects.values_list("url", flat=True)) == [offline_source.url]


def test_an_admin_adds_a_data_source_on_an_allowed_host(editor_client, editor):
    set_role(editor, "admin")
    response = editor_client.post("/slos/data-sources/new/", source_form("http://127.0.0.1:1"))
    assert response.status_code == 302
    assert DataSource.objects.filter(url="http://127.0.0.1:1").exists()


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data",
                                 "http://internal.example:8080", "http://10.0.0.5:9090"])
def test_hosts_outside_the_allow_list_are_refused(editor_client, editor, url):
    set_role(editor, "admin")
    response = editor_client.post("/slos/data-sources/new/", source_form(url))
    assert response.status_code == 200
    assert "is not an allowed Prometheus host" in response.content.decode()
    assert not DataSource.objects.exists()


def test_the_allow_list_is_a_setting(editor_client, editor, settings):
    set_role(editor, "admin")
    settings.PROMETHEUS_ALLOWED_HOSTS = ["prometheus.internal:9090"]
    assert editor_client.post("/slos/data-sources/new/", source_form(
        "http://prometheus.internal:9090")).status_code == 302
    assert editor_client.post("/slos/data-sources/new/", source_form(
        "http://prometheus.internal:9091", name="Other port")).status_code == 200
    assert editor_client.post("/slos/data-sources/new/", source_form(
        "http://127.0.0.1:1", name="Loopback")).status_code == 200


def test_the_default_allow_list_is_the_configured_prometheus(settings):
    from config.settings import PROMETHEUS_ALLOWED_HOSTS, PROMETHEUS_URL

    assert PROMETHEUS_ALLOWED_HOSTS[0] in PROMETHEUS_URL


def test_saving_an_slo_never_shows_a_non_prometheus_body(editor_client, make_source,
                                                          internal_service, service):
    source = make_source(internal_service, name="internal")
    response = editor_client.post("/slos/new/", {
        "service": service.pk, "name": "Probe", "kind": "availability",
        "data_source": source.pk, "target": "99.9", "window": "28d",
        "good_query": "sum(rate(ok[$window]))", "total_query": "sum(rate(all[$window]))",
        "fast_severity": "critical", "slow_severity": "warning", "ticket_severity": "ticket",
    })
    page = response.content.decode()
    assert "hunter2" not in page and "internal admin console" not in page
    assert "HTTP 404 from Prometheus: Not Found (not a Prometheus API answer)" in page


def test_prometheus_own_error_message_is_shown(fake_prometheus):
    from slos.prometheus import PrometheusClient, QueryError

    with PrometheusClient(f"{fake_prometheus.url}/503") as client, \
            pytest.raises(QueryError) as error:
        client.query("up")
    assert str(error.value.message if hasattr(error.value, "message") else error.value).endswith(
        "HTTP 503 from Prometheus: the query engine is overloaded")
