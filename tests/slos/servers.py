"""The Prometheus servers of the tests: a real one (Debian's /usr/bin/prometheus) started by
the `prometheus` fixture, a tiny fake one for the faults a real one cannot be made to produce,
and the helpers both need."""

import json
import os
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

WORKLOAD_ERROR_RATIO = 0.02  # the error ratio of the workload the real Prometheus scrapes


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prometheus_binary():
    return os.environ.get("PROMETHEUS_BIN") or shutil.which("prometheus") or "/usr/bin/prometheus"


def promtool_binary():
    return os.environ.get("PROMTOOL_BIN") or shutil.which("promtool") or "/usr/bin/promtool"


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


def wait_until_scraped(server, process, log_path, timeout=60):
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
