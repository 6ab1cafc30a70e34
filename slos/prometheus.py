"""A small client of the Prometheus HTTP API (instant queries) that classifies every fault.

A query either returns a finite figure or raises ``QueryError`` whose ``kind`` says why not:
the connection was refused, it timed out, HTTP 4xx/5xx, Prometheus answered
``"status": "error"``, the answer was not Prometheus JSON, the vector was empty, the value was
NaN/Inf (0/0: no traffic), or there were several series where one was expected. Credentials
are sent but never appear in messages.
"""

import functools
import math
from dataclasses import dataclass

import httpx

REFUSED = "refused"
TIMEOUT = "timeout"
HTTP_4XX = "http_4xx"
HTTP_5XX = "http_5xx"
PROM_ERROR = "prom_error"
BAD_RESPONSE = "bad_response"
EMPTY = "empty"
NAN = "nan"
MANY = "many"

# Faults that say nothing is wrong with Prometheus: the SLI simply has no figure now.
NO_DATA_KINDS = {EMPTY, NAN}
# Faults worth retrying soon: the server may answer next time (the poll tasks retry them).
TRANSIENT_KINDS = {REFUSED, TIMEOUT, HTTP_5XX, BAD_RESPONSE}


class QueryError(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def no_data(self):
        return self.kind in NO_DATA_KINDS


@dataclass(frozen=True)
class Sample:
    labels: dict
    value: float


@functools.cache
def _tls_context():
    """httpx's default verification (SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle),
    built once per process: building it for each client cost ~60 ms of CPU, twice a poll
    cycle per data source."""
    return httpx.create_ssl_context()


class PrometheusClient:
    def __init__(self, url, timeout=5.0, bearer_token=None, basic_auth=None):
        headers = {"Accept": "application/json"}
        if bearer_token:
            headers["Authorization"] = f"Bearer {bearer_token}"
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.queries = 0  # sent so far: a poll cycle's cost
        self._http = httpx.Client(
            base_url=self.url, headers=headers, auth=basic_auth, verify=_tls_context(),
            timeout=httpx.Timeout(timeout), follow_redirects=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._http.close()

    def __repr__(self):
        return f"<PrometheusClient {self.url}>"

    # --- queries --------------------------------------------------------------------------

    def query(self, promql, at=None):
        """An instant query; returns a list of Samples (may contain NaN). Raises QueryError
        for transport and server faults."""
        params = {"query": promql}
        if at is not None:
            params["time"] = f"{at.timestamp():.3f}"
        self.queries += 1
        try:
            response = self._http.post("/api/v1/query", data=params)
        except httpx.TimeoutException:
            raise QueryError(TIMEOUT, f"{self.url} did not answer within "
                                      f"{self.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise QueryError(REFUSED, f"cannot connect to {self.url}: "
                                      f"{_short(exc) or 'connection refused'}") from None
        except httpx.HTTPError as exc:
            raise QueryError(REFUSED, f"cannot talk to {self.url}: {_short(exc)}") from None
        return self._parse(response)

    def value(self, promql, at=None):
        """An instant query expected to give exactly one finite figure."""
        samples = self.query(promql, at)
        if not samples:
            raise QueryError(EMPTY, "the query returned no series (empty vector)")
        if len(samples) > 1:
            raise QueryError(MANY, f"the query returned {len(samples)} series where one was "
                                   "expected: aggregate it, e.g. with sum(…)")
        value = samples[0].value
        if not math.isfinite(value):
            raise QueryError(NAN, f"the query returned {value} (0/0: no traffic in the window)")
        return value

    def runtime_info(self):
        """/api/v1/status/runtimeinfo's data (storageRetention, ...); raises QueryError."""
        self.queries += 1
        try:
            response = self._http.get("/api/v1/status/runtimeinfo")
        except httpx.TimeoutException:
            raise QueryError(TIMEOUT, f"{self.url} did not answer within "
                                      f"{self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise QueryError(REFUSED, f"cannot talk to {self.url}: {_short(exc)}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict) or \
                not isinstance(body.get("data"), dict):
            raise QueryError(BAD_RESPONSE, f"HTTP {response.status_code}: no runtime "
                                           "information")
        return body["data"]

    def check(self, promql, at=None):
        """Does Prometheus accept the expression? Returns the number of series it gave."""
        return len(self.query(promql, at))

    # --- answers --------------------------------------------------------------------------

    def _parse(self, response):
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        # Only Prometheus's own error message (from its JSON) is shown: never the raw body of
        # whatever else answered, which could be an internal page.
        error = body.get("error") if isinstance(body, dict) else None
        error = error.strip()[:300] if isinstance(error, str) else None
        if 400 <= status < 500:
            detail = error or f"{response.reason_phrase} (not a Prometheus API answer)"
            raise QueryError(HTTP_4XX, f"HTTP {status} from Prometheus: {detail}")
        if status >= 500:
            detail = error or f"{response.reason_phrase} (not a Prometheus API answer)"
            raise QueryError(HTTP_5XX, f"HTTP {status} from Prometheus: {detail}")
        if not isinstance(body, dict) or "status" not in body:
            raise QueryError(BAD_RESPONSE, f"HTTP {status} but not a Prometheus API answer")
        if body["status"] != "success":
            kind = body.get("errorType", "error")
            raise QueryError(PROM_ERROR, f"Prometheus answered status error ({kind}): "
                                         f"{error or 'no message'}")
        data = body.get("data") or {}
        result_type, result = data.get("resultType"), data.get("result")
        try:
            if result_type == "vector":
                return [Sample(item.get("metric", {}), float(item["value"][1]))
                        for item in result]
            if result_type == "scalar":
                return [Sample({}, float(result[1]))]
        except (KeyError, IndexError, TypeError, ValueError):
            pass
        raise QueryError(BAD_RESPONSE, f"unexpected result type {result_type!r}: an instant "
                                       "query must give a vector or a scalar")


def _short(exc):
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
