"""`make run` uses SQLite: every postmortems page works there too (simpler search and
similarity instead of PostgreSQL full-text and trigrams)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

VISIT = """
from django.contrib.auth import get_user_model
from django.test import Client
from postmortems.models import Incident
client = Client()
client.force_login(get_user_model().objects.get(username="demo"))
pool = Incident.objects.get(title__startswith="Checkout 5xx")
urls = ["/", "/incidents/", "/incidents/?q=pool", "/actions/", "/actions/export.csv",
        f"/incidents/{pool.pk}/", f"/incidents/{pool.pk}/postmortem/",
        f"/incidents/{pool.pk}/postmortem/export.md", f"/incidents/{pool.pk}/postmortem/print/"]
for url in urls:
    response = client.get(url, HTTP_HOST="127.0.0.1")
    print(url, response.status_code)
found = client.get("/incidents/?q=pool", HTTP_HOST="127.0.0.1").content.decode()
print("search", sorted(i.title for i in Incident.objects.all() if i.title in found))
editor = client.get(f"/incidents/{pool.pk}/postmortem/", HTTP_HOST="127.0.0.1").content.decode()
seen = editor[editor.index("Seen before?"):]
print("similar", sorted(i.title for i in Incident.objects.exclude(pk=pool.pk) if i.title in seen))
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


def test_the_demo_pages_answer_on_sqlite(tmp_path):
    manage(tmp_path, "migrate", "--noinput")
    manage(tmp_path, "load_demo")
    out = manage(tmp_path, "shell", "--no-imports", "-c", VISIT)
    statuses = [line for line in out.splitlines() if line.startswith("/")]
    assert len(statuses) == 9
    assert all(line.endswith(" 200") for line in statuses), out
    assert "search ['Accounts login errors from connection pool exhaustion', " \
           "'Checkout 5xx after connection pool exhaustion']" in out
    assert "similar ['Accounts login errors from connection pool exhaustion']" in out
