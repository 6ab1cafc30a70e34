"""The one small interface every tracker client speaks, and what they share.

A client is made from a TrackerConnection (``connection.client()``) and offers:

- ``create_issue(draft) -> Issue``: a new issue from an action item;
- ``find_issue(marker) -> Issue | None``: the issue whose body carries ``marker`` (the draft's
  ``postmortems-action-item: <site>/<id>`` line), so a retry after a lost answer finds the
  issue the first try created instead of filing a second one;
- ``get_state(reference) -> Issue``: the issue's state now (``TicketNotFound`` when it is gone);
- ``parse_reference(text) -> str``: a key or URL a person typed → the tracker's own id, or
  ``ValueError`` with a sentence saying what is expected;
- ``parse_webhook(headers, body, query) -> [Issue]``: the issues a delivery says changed,
  after checking its signature (``BadSignature``; ``MalformedPayload`` for bodies that are not
  the tracker's JSON).

Every call goes over httpx with short timeouts, never follows redirects, and only to hosts
in TRACKER_ALLOWED_HOSTS: the server calls the URL an admin typed. Any failure to talk to the
tracker is a ``TrackerError`` with a sentence for the page.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from urllib.parse import urlsplit

import httpx
from django.conf import settings

OPEN, CLOSED = "open", "closed"


class TrackerError(Exception):
    """The tracker could not be reached or refused the call (retried later)."""


class TicketNotFound(TrackerError):
    """The tracker answered: no such issue (or the token cannot see it)."""


class BadSignature(Exception):
    pass


class MalformedPayload(Exception):
    pass


@dataclass
class Draft:
    title: str
    body: str
    due: date | None = None
    priority: str = ""
    marker: str = ""  # a line of the body no other issue has: what a retry searches for


@dataclass
class Issue:
    reference: str    # the tracker's own id: Jira key "OPS-12", GitHub/GitLab number "42"
    key: str          # what people write: "OPS-12", "acme/shop#42"
    url: str
    state: str        # OPEN or CLOSED
    state_name: str   # the tracker's word for it: "In Progress", "closed"


def allowed_tracker_host(url):
    """Is the URL's host in settings.TRACKER_ALLOWED_HOSTS ("host", "host:port", "*.domain")?"""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if not host:
        return False
    port = port or (443 if parts.scheme == "https" else 80)
    for entry in settings.TRACKER_ALLOWED_HOSTS:
        entry = entry.strip().lower()
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if entry in (host, f"{host}:{port}", f"[{host}]:{port}"):
            return True
    return False


def hmac_sha256(secret, body):
    return hmac.new(secret.encode(), body, sha256).hexdigest()


def same(a, b):
    return hmac.compare_digest((a or "").encode(), (b or "").encode())


def load_json(body):
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedPayload("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("The body is not a JSON object.")
    return payload


class Client:
    label = "tracker"

    def __init__(self, connection):
        self.connection = connection
        self.base_url = connection.base_url.rstrip("/")
        self.project = connection.project.strip()

    # --- HTTP ------------------------------------------------------------------------------
    def auth_headers(self):
        raise NotImplementedError

    def request(self, method, path, *, shape=dict, **kwargs):
        url = self.base_url + path
        if not allowed_tracker_host(url):
            raise TrackerError(f"{urlsplit(url).hostname} is not in TRACKER_ALLOWED_HOSTS.")
        timeout = httpx.Timeout(settings.TRACKER_TIMEOUT, connect=min(3, settings.TRACKER_TIMEOUT))
        headers = {"Accept": "application/json", "User-Agent": "postmortems-trackers",
                   **self.auth_headers(), **kwargs.pop("headers", {})}
        try:
            response = httpx.request(method, url, headers=headers, timeout=timeout,
                                     follow_redirects=False, **kwargs)
        except httpx.TimeoutException:
            raise TrackerError(f"{self.label} did not answer within "
                               f"{settings.TRACKER_TIMEOUT} s.") from None
        except httpx.HTTPError as exc:
            raise TrackerError(f"{self.label} could not be reached: "
                               f"{type(exc).__name__}.") from None
        if response.status_code == 404:
            raise TicketNotFound(f"{self.label} has no such issue (or the token cannot see "
                                 "it).")
        if response.status_code in (401, 403):
            raise TrackerError(f"{self.label} refused the credentials "
                               f"(HTTP {response.status_code}): an admin checks the token.")
        if response.status_code >= 300:
            raise TrackerError(f"{self.label} answered HTTP {response.status_code}: "
                               f"{self.error_text(response)}")
        try:
            data = response.json()
        except ValueError:
            raise TrackerError(f"{self.label} answered something that is not JSON.") from None
        if not isinstance(data, shape):
            raise TrackerError(f"{self.label} answered an unexpected JSON shape.")
        return data

    @staticmethod
    def error_text(response):
        try:
            data = response.json()
        except ValueError:
            return response.text[:200]
        return json.dumps(data)[:300]

    # --- The interface ---------------------------------------------------------------------
    def create_issue(self, draft):
        raise NotImplementedError

    def find_issue(self, marker):
        raise NotImplementedError

    def get_state(self, reference):
        raise NotImplementedError

    def parse_reference(self, text):
        raise NotImplementedError

    def parse_webhook(self, headers, body, query):
        raise NotImplementedError

    def issue_from(self, data):
        """An Issue from the tracker's JSON for one issue (a TrackerError when it is not)."""
        try:
            return self._issue_from(data)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise TrackerError(f"{self.label} answered an issue without the expected fields.") \
                from None

    @staticmethod
    def carries(text, marker):
        """Does an issue's body have the marker as one of its lines (search is word-based)?"""
        return marker in (line.strip() for line in str(text or "").splitlines())
