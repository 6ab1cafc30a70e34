"""Liveness of the two things the site cannot work without: its database and its broker."""

import time

from django.conf import settings
from django.db import DatabaseError, connection

from config.celery import app


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connection.close()
        return {"ok": False, "error": first_line(exc)}
    return {"ok": True}


def check_broker():
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_BROKER_TIMEOUT)
    except Exception as exc:  # kombu raises transport-specific errors; all mean "down"
        return {"ok": False, "error": first_line(exc)}
    return {"ok": True}


def run_checks():
    results = {}
    for name, check in (("database", check_database), ("broker", check_broker)):
        started = time.perf_counter()
        results[name] = check()
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


def may_see_details(request):
    """Error texts name hosts and ports: only signed-in users see them. With the database
    down the session cannot be read, which counts as signed out."""
    try:
        return request.user.is_authenticated
    except Exception:  # the session store is the database that is down
        return False


def without_details(checks):
    return {name: {key: ("down" if key == "error" else value) for key, value in check.items()}
            for name, check in checks.items()}


def first_line(exc):
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
