"""`make run`'s set-up works with no server installed: SQLite, and the demo loads once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COUNT_ROWS = """
from django.apps import apps
print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models()
             if m._meta.app_label in {"auth", "postmortems", "slos"}))
"""


def manage(tmp_path, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3",
               VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_demo_loads_on_sqlite_and_twice_changes_nothing(tmp_path):
    manage(tmp_path, "migrate", "--noinput")
    first = manage(tmp_path, "load_demo")
    assert "demo / demo" in first
    counts_once = manage(tmp_path, "shell", "--no-imports", "-c", COUNT_ROWS)
    manage(tmp_path, "load_demo")
    counts_twice = manage(tmp_path, "shell", "--no-imports", "-c", COUNT_ROWS)
    assert counts_once == counts_twice
    assert "('auth.User', 1)" in counts_once
