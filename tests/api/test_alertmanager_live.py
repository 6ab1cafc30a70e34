"""A real Alertmanager (Debian's prometheus-alertmanager) delivers a burn-rate alert that a
real Prometheus fired from this app's own generated rules (slo_rules) on a fast-burning
workload, to the live server: an incident opens with the SLO linked and the "Alert fired"
entry at the alert's own start; Alertmanager's repeated notifications add nothing.

Slow by nature: the fast-burn alert holds for 2 minutes (`for: 2m`) before firing."""

import json
import os
import shutil
import subprocess
import time
from datetime import datetime

import httpx
import pytest

from postmortems.models import Incident, TimelineEntry
from slos import rules
from slos.workload import Workload
from tests.slos.servers import free_port, prometheus_binary

pytestmark = [pytest.mark.alertmanager, pytest.mark.prometheus,
              pytest.mark.django_db(transaction=True)]

TOKEN = "live-alertmanager-token"


def alertmanager_binary():
    return (os.environ.get("ALERTMANAGER_BIN") or shutil.which("prometheus-alertmanager")
            or shutil.which("alertmanager") or "/usr/bin/prometheus-alertmanager")


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


class Process:
    def __init__(self, args, log):
        self.log = log
        self.handle = open(log, "w")  # noqa: SIM115
        self.popen = subprocess.Popen(args, stdout=self.handle, stderr=subprocess.STDOUT)

    def stop(self):
        self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
        self.handle.close()


@pytest.fixture
def alertmanager(tmp_path, live_server):
    if not os.path.exists(alertmanager_binary()):
        pytest.fail("prometheus-alertmanager is missing: `make services` installs it")
    port = free_port()
    (tmp_path / "alertmanager.yml").write_text(json.dumps({
        "route": {"receiver": "postmortems", "group_by": ["alertname", "slo"],
                  "group_wait": "1s", "group_interval": "1s", "repeat_interval": "2s"},
        "receivers": [{"name": "postmortems", "webhook_configs": [{
            "url": f"{live_server.url}/api/v1/alertmanager/", "send_resolved": True,
            "http_config": {"authorization": {"type": "Bearer", "credentials": TOKEN}},
        }]}],
    }))
    process = Process([alertmanager_binary(), f"--config.file={tmp_path / 'alertmanager.yml'}",
                       f"--storage.path={tmp_path / 'am-data'}",
                       f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
                       "--log.level=warn"], tmp_path / "alertmanager.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(url), 30, "Alertmanager starting")
        yield url
    finally:
        process.stop()


def _ready(url):
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def burning_prometheus(tmp_path, alertmanager, make_source, make_slo):
    """Prometheus scraping a workload failing half its requests, with the generated rules of
    the Checkout availability SLO (99.9% over 28 days), alerting to the Alertmanager."""
    workload, workload_port, port = Workload(rate=200, error_ratio=0.5), free_port(), free_port()
    workload.start(workload_port)
    url = f"http://127.0.0.1:{port}"
    slo = make_slo(make_source(url, name="test prometheus"), name="Availability")
    (tmp_path / "rules.yml").write_text(rules.to_yaml([slo]))
    (tmp_path / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / "rules.yml")],
        "alerting": {"alertmanagers": [{"static_configs": [
            {"targets": [alertmanager.removeprefix("http://")]}]}]},
        "scrape_configs": [{"job_name": "workload",
                            "static_configs": [{"targets": [f"127.0.0.1:{workload_port}"]}]}],
    }))
    process = Process([prometheus_binary(), f"--config.file={tmp_path / 'prometheus.yml'}",
                       f"--storage.tsdb.path={tmp_path / 'prom-data'}",
                       f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                      tmp_path / "prometheus.log")
    try:
        yield slo
    finally:
        process.stop()
        workload.shutdown()


def webhook_notifications(alertmanager):
    text = httpx.get(f"{alertmanager}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith('alertmanager_notifications_total{integration="webhook"'):
            return float(line.split()[-1])
    return 0.0


def test_a_real_fast_burn_alert_opens_one_incident_with_its_slo(
        settings, alertmanager, burning_prometheus):
    settings.ALERTMANAGER_TOKEN = TOKEN
    slo = burning_prometheus
    incident = wait_for(lambda: Incident.objects.filter(alert_groups__source="alertmanager")
                        .first(), 240, "an incident opened by Alertmanager")
    alerts = httpx.get(f"{alertmanager}/api/v2/alerts", timeout=5).json()
    (fast,) = [a for a in alerts if a["labels"]["alertname"] == "SLOFastBurn"]
    fired_at = datetime.fromisoformat(fast["startsAt"].replace("Z", "+00:00"))

    assert incident.severity == Incident.Severity.SEV1  # the fast burn's "critical"
    assert [impact.slo for impact in incident.slo_impacts.all()] == [slo]
    assert [s.slug for s in incident.services.all()] == ["checkout"]
    assert incident.started_at == fired_at.replace(microsecond=0)
    (entry,) = TimelineEntry.objects.filter(postmortem__incident=incident)
    assert entry.kind == "alert" and entry.at == fired_at.replace(microsecond=0)
    assert entry.text.startswith("Alert fired: SLOFastBurn: Availability: burning the error")

    # Alertmanager repeats the notification (repeat_interval 2s): nothing is added.
    sent = webhook_notifications(alertmanager)
    wait_for(lambda: webhook_notifications(alertmanager) >= sent + 2, 60,
             "two more deliveries of the same group")
    assert Incident.objects.count() == 1
    assert TimelineEntry.objects.filter(postmortem__incident=incident).count() == 1
