"""The database session store, refusing session keys Django never issues.

Django makes keys from lower-case letters and digits; a cookie carrying anything else (a NUL
byte, found by the API's schemathesis run) is no session at all, instead of a database error
(PostgreSQL text cannot hold NUL) and a 500 on every page."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_VALID = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and set(key) <= _VALID
