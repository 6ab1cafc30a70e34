"""The site's own Prometheus metrics, named as the SLO queries expect them.

``http_requests_total{method,view,status}`` and ``http_request_duration_seconds{method,view}``
let the site watch its own availability and latency SLOs. ``view`` is the URL pattern's name
(bounded cardinality), ``unmatched`` for 404s outside any pattern. ``method`` is one of the
standard HTTP methods or ``other``: a made-up method cannot add a series. Every label value
comes from a fixed list or from the URL resolver, never from the request's text.
"""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by view and status code.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer HTTP requests, by view.",
    ["method", "view"],
    buckets=LATENCY_BUCKETS,
)


KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(request):
    return request.method if request.method in KNOWN_METHODS else "other"


def view_label(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        view = view_label(request)
        method = method_label(request)
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        LATENCY.labels(method, view).observe(elapsed)
        return response


def exposition():
    """The metrics text (Prometheus format) and its content type. Under several gunicorn
    workers, set PROMETHEUS_MULTIPROC_DIR so every worker's counts are summed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
