"""Sessions: the database store, refusing session keys Django never issues, and an idle
timeout that does not write the session on every request.

Django makes keys from lower-case letters and digits; a cookie carrying anything else (a NUL
byte, found by the API's schemathesis run) is no session at all, instead of a database error
(PostgreSQL text cannot hold NUL) and a 500 on every page.

A session ends after SESSION_IDLE_SECONDS without a request (SESSION_COOKIE_AGE). Saving it
on every request would keep that exact, but costs an UPDATE of its row and a commit on every
page view, live refresh and poll; instead a request saves it (and so pushes its expiry and its
cookie's out again) only once its last refresh is SESSION_REFRESH_SECONDS old. The session
then ends between IDLE - REFRESH and IDLE seconds after the last request."""

import time

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_VALID = frozenset(VALID_KEY_CHARS)
REFRESHED_AT = "_refreshed_at"  # in the session data: when it was last saved for its expiry


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and set(key) <= _VALID


def mark_refreshed(session):
    """Mark the session for saving, which sets its expiry SESSION_IDLE_SECONDS from now."""
    session[REFRESHED_AT] = int(time.time())


def refresh_is_due(session):
    """A session with data whose last refresh is SESSION_REFRESH_SECONDS old (or unknown).
    No cookie means nothing to read; an unknown or expired key reads as empty."""
    refreshed_at = session.get(REFRESHED_AT)  # reads it: an unknown key reads as empty
    if session.is_empty():
        return False
    return refreshed_at is None or (
        time.time() - refreshed_at >= settings.SESSION_REFRESH_SECONDS)


def mark_refreshed_at_login(sender, request, user, **kwargs):
    """user_logged_in: a new session is fresh (also a test client's force_login)."""
    mark_refreshed(request.session)


class SessionRefreshMiddleware:
    """Right after SessionMiddleware: saves the session only when its refresh is due."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if refresh_is_due(request.session):
            mark_refreshed(request.session)
        return self.get_response(request)
