"""Run a periodic job once at a time across every worker and beat: a PostgreSQL advisory lock.

``with exclusive("slos.poll_all") as acquired:`` — False when another process holds it (a
second beat, a slow previous cycle); the lock ends with the holder's database session, so a
worker killed mid-task (SIGKILL) frees it. On SQLite (one process, ``make run``) it is always
acquired.
"""

import hashlib
from contextlib import contextmanager

from django.db import connection


def lock_key(name):
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name):
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
