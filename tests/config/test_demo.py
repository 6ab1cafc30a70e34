"""`make run`'s set-up works with no server installed: SQLite, and the demo loads once."""

COUNT_ROWS = """
from django.apps import apps
print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models()
             if m._meta.app_label in {"auth", "postmortems", "slos"}))
"""


def test_demo_loads_on_sqlite_and_twice_changes_nothing(sqlite_manage):
    sqlite_manage("migrate", "--noinput")
    first = sqlite_manage("load_demo")
    assert "Log in at http://127.0.0.1:8000/ as demo / demo" in first
    counts_once = sqlite_manage("shell", "--no-imports", "-c", COUNT_ROWS)
    again = sqlite_manage("load_demo", "--url", "http://127.0.0.1:20180/")  # make run's PORT
    assert "Log in at http://127.0.0.1:20180/ as demo / demo" in again
    counts_twice = sqlite_manage("shell", "--no-imports", "-c", COUNT_ROWS)
    assert counts_once == counts_twice
    assert "('auth.User', 1)" in counts_once

