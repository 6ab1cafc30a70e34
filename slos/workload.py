"""The demo workload: a tiny exporter of ``http_requests_total{status}`` and an
``http_request_duration_seconds`` histogram for a simulated service, with a configurable
request rate, error ratio and latency. `make run`'s Prometheus and the tests scrape it.

Counts are exact: errors are the running total times the error ratio (carrying fractions), and
each request lands in one bucket, so a known error ratio gives known figures."""

import math
import threading
import time

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Workload:
    def __init__(self, rate=50.0, error_ratio=0.001, latency=0.08, slow_ratio=0.0,
                 slow_latency=1.0):
        self._lock = threading.Lock()
        self.rate = rate
        self.error_ratio = error_ratio
        self.latency = latency
        self.slow_ratio = slow_ratio
        self.slow_latency = slow_latency
        self.ok = 0
        self.errors = 0
        self.durations = dict.fromkeys((*BUCKETS, math.inf), 0)
        self.duration_sum = 0.0
        self._error_carry = 0.0
        self._slow_carry = 0.0
        self._request_carry = 0.0
        self._stop = threading.Event()

    def set(self, **settings):
        """Change rate, error_ratio, latency, slow_ratio or slow_latency while running."""
        with self._lock:
            for name, value in settings.items():
                if name not in {"rate", "error_ratio", "latency", "slow_ratio", "slow_latency"}:
                    raise TypeError(f"unknown workload setting {name}")
                setattr(self, name, float(value))

    def serve(self, requests):
        """Account for ``requests`` simulated requests."""
        with self._lock:
            self._error_carry += requests * self.error_ratio
            errors = int(self._error_carry)
            self._error_carry -= errors
            self._slow_carry += requests * self.slow_ratio
            slow = int(self._slow_carry)
            self._slow_carry -= slow
            self.errors += errors
            self.ok += requests - errors
            self._observe(self.slow_latency, slow)
            self._observe(self.latency, requests - slow)

    def _observe(self, seconds, count):
        for bound in self.durations:
            if seconds <= bound:
                self.durations[bound] += count
        self.duration_sum += seconds * count

    def collect(self):
        with self._lock:
            requests = CounterMetricFamily("http_requests", "Requests served by the demo "
                                           "workload", labels=["status"])
            requests.add_metric(["200"], self.ok)
            requests.add_metric(["500"], self.errors)
            buckets = [("+Inf" if math.isinf(bound) else repr(bound), count)
                       for bound, count in self.durations.items()]
            duration = HistogramMetricFamily("http_request_duration_seconds",
                                             "Request duration of the demo workload")
            duration.add_metric([], buckets, self.duration_sum)
        return [requests, duration]

    def tick(self, seconds):
        with self._lock:
            self._request_carry += self.rate * seconds
            requests = int(self._request_carry)
            self._request_carry -= requests
        if requests:
            self.serve(requests)

    def run(self, step=0.1):
        """Generate traffic until stop() (blocking)."""
        while not self._stop.wait(step):
            self.tick(step)

    def stop(self):
        self._stop.set()

    def start(self, port, host="127.0.0.1"):
        """Expose /metrics on host:port and generate traffic in a daemon thread."""
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        server, _thread = start_http_server(port, addr=host, registry=registry)
        self._server = server
        threading.Thread(target=self.run, daemon=True, name="demo-workload").start()
        return server

    def shutdown(self):
        self.stop()
        server = getattr(self, "_server", None)
        if server is not None:
            server.shutdown()
            server.server_close()


def run_forever(port, host="127.0.0.1", **settings):
    workload = Workload(**settings)
    workload.start(port, host)
    try:
        while True:
            time.sleep(3600)
    finally:
        workload.shutdown()
