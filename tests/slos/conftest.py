"""SLO fixtures: a real Prometheus (Debian's /usr/bin/prometheus) on a free port with a
backfilled 28-day history, scraping the demo workload every second; a tiny fake Prometheus for
the faults a real one cannot be made to produce; and the SLOs the tests measure."""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from slos import budget
from slos.workload import Workload

# A failed poll is retried after 1 s in the tests' Celery worker (it reads the environment).
os.environ.setdefault("SLO_RETRY_BACKOFF", "1")

HISTORY_STEP = 120  # seconds between backfilled samples
HISTORY_DAYS = 29
HISTORY_PER_STEP = 2000  # requests per step
RESTART_DAYS_AGO = 10
WORKLOAD_ERROR_RATIO = 0.02


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prometheus_binary():
    return os.environ.get("PROMETHEUS_BIN") or shutil.which("prometheus") or "/usr/bin/prometheus"


def promtool_binary():
    return os.environ.get("PROMTOOL_BIN") or shutil.which("promtool") or "/usr/bin/promtool"


@dataclass
class History:
    """A known 29-day history of slo_history_requests_total{code}: a steady low error ratio,
    a bad afternoon 20 days ago, a restart 10 days ago (the counters reset to zero) and a
    worse last two days."""

    times: list = field(default_factory=list)
    good: list = field(default_factory=list)
    bad: list = field(default_factory=list)

    @classmethod
    def build(cls, end):
        history = cls()
        steps = HISTORY_DAYS * 86400 // HISTORY_STEP
        good = bad = 1_000_000  # far from zero: no extrapolation to zero at the window start
        restarted = False
        for i in range(steps):
            t = end - (steps - 1 - i) * HISTORY_STEP
            age_days = (end - t) / 86400
            if age_days < RESTART_DAYS_AGO and not restarted:
                good = bad = 0  # the service restarted: its counters start again
                restarted = True
            if 20 <= age_days < 20.125:
                errors = 100  # 5% for three hours
            elif age_days < 2:
                errors = 2  # 0.1%
            else:
                errors = 1 if i % 2 else 0  # 0.025%
            good += HISTORY_PER_STEP - errors
            bad += errors
            history.times.append(t)
            history.good.append(good)
            history.bad.append(bad)
        return history

    def openmetrics(self):
        lines = ["# HELP slo_history_requests Requests of a service with a known past.",
                 "# TYPE slo_history_requests counter"]
        for code, values in (("200", self.good), ("500", self.bad)):
            lines += [f'slo_history_requests_total{{code="{code}"}} {v} {t:.1f}'
                      for t, v in zip(self.times, values, strict=True)]
        lines.append("# EOF")
        return "\n".join(lines) + "\n"

    def error_ratio(self, at, window_seconds):
        """What Prometheus must answer for 1 - good/total over [at - window, at]: the
        extrapolation factor is the same for both series (same timestamps), so it cancels."""
        t = at.timestamp()
        inside = [i for i, ts in enumerate(self.times) if t - window_seconds <= ts <= t]
        if len(inside) < 2:
            return None
        first, last = inside[0], inside[-1] + 1
        good = budget.counter_increase(self.good[first:last])
        total = good + budget.counter_increase(self.bad[first:last])
        return None if total == 0 else 1 - good / total


class PrometheusServer:
    def __init__(self, url, rules_file, process, history, workload, idle):
        self.url = url
        self.rules_file = rules_file
        self.process = process
        self.history = history
        self.workload = workload
        self.idle = idle

    def query(self, promql):
        response = httpx.post(f"{self.url}/api/v1/query", data={"query": promql}, timeout=10)
        return response.json()["data"]["result"]

    def load_rules(self, text, wait_for=None, timeout=30):
        """Write the rules file, reload Prometheus and wait until ``wait_for`` (a PromQL
        selector) gives a figure."""
        self.rules_file.write_text(text)
        httpx.post(f"{self.url}/-/reload", timeout=10).raise_for_status()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wait_for is None or self.query(wait_for):
                time.sleep(1.2)  # polls evaluate at a whole second: let it cover the series
                return
            time.sleep(0.3)
        raise AssertionError(f"the recorded series {wait_for} did not appear in {timeout} s")

    def unload_rules(self):
        self.load_rules("groups: []\n")


@pytest.fixture(scope="session")
def prometheus(tmp_path_factory):
    """A real prometheus on a free port: 29 days of backfilled history, the demo workload at
    a known 2% error ratio and an idle workload (no traffic), scraped every second."""
    binary, promtool = prometheus_binary(), promtool_binary()
    for tool in (binary, promtool):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: install Debian's prometheus package "
                        "(make services does)")
    folder = tmp_path_factory.mktemp("prometheus")
    data = folder / "data"
    end = (time.time() // HISTORY_STEP) * HISTORY_STEP - HISTORY_STEP + 0.5
    history = History.build(end)
    (folder / "history.om").write_text(history.openmetrics())
    subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics",
                    "--max-block-duration=24h", str(folder / "history.om"), str(data)],
                   check=True, capture_output=True, timeout=300)

    workload = Workload(rate=400, error_ratio=WORKLOAD_ERROR_RATIO, latency=0.08,
                        slow_ratio=0.01, slow_latency=1.0)
    idle = Workload(rate=0)
    workload_port, idle_port, port = free_port(), free_port(), free_port()
    workload.start(workload_port)
    idle.start(idle_port)
    rules_file = folder / "rules.yml"
    rules_file.write_text("groups: []\n")
    (folder / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_file)],
        "scrape_configs": [
            {"job_name": "workload",
             "static_configs": [{"targets": [f"127.0.0.1:{workload_port}"]}]},
            {"job_name": "idle", "static_configs": [{"targets": [f"127.0.0.1:{idle_port}"]}]},
        ],
    }))
    log = open(folder / "prometheus.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [binary, f"--config.file={folder / 'prometheus.yml'}", f"--storage.tsdb.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=60d",
         "--web.enable-lifecycle", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    server = PrometheusServer(f"http://127.0.0.1:{port}", rules_file, process, history,
                              workload, idle)
    try:
        _wait_until_scraped(server, process, folder / "prometheus.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        workload.shutdown()
        idle.shutdown()


def _wait_until_scraped(server, process, log_path, timeout=60):
    """Ready, and both workloads have enough samples for a rate a few seconds ago."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prometheus exited: {log_path.read_text()[-2000:]}")
        try:
            if server.query('min(count_over_time(http_requests_total[1m])) >= 5') and \
                    server.query("slo_history_requests_total"):
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.3)
    pytest.fail(f"prometheus did not scrape the workload within {timeout} s: "
                f"{log_path.read_text()[-2000:]}")


# --- A fake Prometheus for faults a real one cannot be made to produce on demand ----------

class FakePrometheus(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeHandler)
        self.calls = {}
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, mode):
        with self.lock:
            self.calls[mode] = self.calls.get(mode, 0) + 1
            return self.calls[mode]


def vector(value):
    return {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [time.time(), str(value)]}]}}


class FakeHandler(BaseHTTPRequestHandler):
    """The first path segment picks the behaviour: /sleep/, /503/, /status-error/, /html/,
    /flaky-<key>/ (503 once per key, then a 0.1% error ratio), /concurrency/ (no recorded
    series; slow raw queries whose overlap is counted)."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        mode = self.path.strip("/").split("/")[0]
        calls = self.server.count(mode)
        if mode == "concurrency":
            return self._measure_concurrency(form.get("query", [""])[0])
        if mode == "sleep":
            time.sleep(3)
            return self._json(200, vector(0.001))
        if mode == "503":
            return self._json(503, {"status": "error", "errorType": "unavailable",
                                    "error": "the query engine is overloaded"})
        if mode == "status-error":
            return self._json(200, {"status": "error", "errorType": "execution",
                                    "error": "query processing would load too many samples"})
        if mode == "html":
            body = b"<html>proxy login</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        if mode.startswith("flaky") and calls == 1:
            return self._json(503, {"status": "error", "error": "restarting"})
        return self._json(200, vector(0.001))

    def _measure_concurrency(self, query):
        """Recorded series: none. Raw queries: slow, counting how many run at once."""
        if query.startswith("slo:"):
            return self._json(200, {"status": "success",
                                    "data": {"resultType": "vector", "result": []}})
        server = self.server
        with server.lock:
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        time.sleep(0.05)
        with server.lock:
            server.in_flight -= 1
        return self._json(200, vector(0.001))

    def _json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def fake_prometheus():
    server = FakePrometheus()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url():
    """A URL nothing listens on: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


# --- Data ---------------------------------------------------------------------------------

@pytest.fixture
def service(db):
    from postmortems.models import Service

    return Service.objects.create(name="Checkout", slug="checkout")


@pytest.fixture
def make_source(db):
    from slos.models import DataSource

    def make(url, name=None, **extra):
        return DataSource.objects.create(name=name or url, url=url, **extra)

    return make


@pytest.fixture
def make_slo(db, service):
    from slos.models import SLO

    def make(data_source, name="Availability", good=None, total=None, target="99.9",
             window="28d", **extra):
        slo = SLO(
            service=service, data_source=data_source, name=name, target=target, window=window,
            good_query=good or 'sum(rate(http_requests_total{job="workload",status!~"5.."}'
                               "[$window]))",
            total_query=total or 'sum(rate(http_requests_total{job="workload"}[$window]))',
            **extra,
        )
        slo.full_clean()
        slo.save()
        return slo

    return make


HISTORY_GOOD = 'sum(increase(slo_history_requests_total{code!~"5.."}[$window]))'
HISTORY_TOTAL = "sum(increase(slo_history_requests_total[$window]))"


def utc(timestamp):
    return datetime.fromtimestamp(timestamp, UTC)


@pytest.fixture
def offline_source(make_source, closed_port_url):
    """A data source nobody answers for: pages and maths tests need no Prometheus."""
    return make_source(closed_port_url, name="offline")


@pytest.fixture
def record_poll(db):
    """Store a snapshot as the poller would, for panel tests."""
    from django.utils import timezone

    from slos import budget
    from slos.models import SLO, Snapshot

    def record(slo, error_ratio=None, ratios=None, status="ok", at=None, fault="", error=""):
        at = at or timezone.now()
        ok = status == Snapshot.Status.OK
        snapshot = Snapshot.objects.create(
            slo=slo, taken_at=at, status=status, fault=fault, error=error,
            sli=1 - error_ratio if ok else None,
            budget_remaining=budget.budget_remaining(error_ratio, slo.budget) if ok else None,
            error_ratios=(ratios or dict.fromkeys(budget.BURN_WINDOWS, error_ratio))
            if ok else {},
        )
        SLO.objects.filter(pk=slo.pk).update(latest_snapshot=snapshot,
                                             **({"last_good_at": at} if ok else {}))
        slo.refresh_from_db()
        return snapshot

    return record
