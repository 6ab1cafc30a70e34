"""`make run` uses SQLite: the demo has a closed review meeting, and a new meeting works there
too (start, a versioned edit and a stale one, the changes feed, close, history)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN = """
from django.contrib.auth import get_user_model
from django.test import Client
from postmortems.models import Incident, Meeting
client = Client()
client.force_login(get_user_model().objects.get(username="demo"))
get = lambda url: client.get(url, HTTP_HOST="127.0.0.1")
post = lambda url, data=None: client.post(url, data or {}, HTTP_HOST="127.0.0.1")
demo = Meeting.objects.get()
print("demo-summary", "Alert on pool saturation" in demo.summary)
page = get(f"/incidents/{demo.postmortem.incident_id}/postmortem/").content.decode()
print("summary-on-page", "A bigger pool only hides the leak" in page)
incident = Incident.objects.filter(postmortem__timeline__isnull=False).exclude(
    pk=demo.postmortem.incident_id).distinct().first()
print("start", post(f"/incidents/{incident.pk}/meetings/start").status_code)
meeting = Meeting.objects.open().get()
entry = meeting.postmortem.timeline.first()
data = {f"entry-{entry.pk}-at": entry.at.strftime("%Y-%m-%dT%H:%M:%S"),
        f"entry-{entry.pk}-kind": entry.kind, f"entry-{entry.pk}-text": "edited",
        f"entry-{entry.pk}-version": "1"}
print("edit", post(f"/meetings/{meeting.pk}/timeline/{entry.pk}/edit", data).status_code)
data[f"entry-{entry.pk}-text"] = "edited on another screen"
print("stale", post(f"/meetings/{meeting.pk}/timeline/{entry.pk}/edit", data).status_code)
feed = get(f"/meetings/{meeting.pk}/changes?since=2000-01-01T00:00:00%2B00:00").json()
print("feed", "timeline" in feed["parts"])
for url in [f"/meetings/{meeting.pk}/", f"/meetings/{demo.pk}/record",
            f"/incidents/{incident.pk}/meetings/", f"/incidents/{incident.pk}/postmortem/history/"]:
    print(url, get(url).status_code)
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


def test_the_meeting_works_on_sqlite(tmp_path):
    manage(tmp_path, "migrate", "--noinput")
    manage(tmp_path, "load_demo")
    out = manage(tmp_path, "shell", "--no-imports", "-c", RUN)
    for expected in ["demo-summary True", "summary-on-page True", "start 303", "edit 303",
                     "stale 409", "feed True"]:
        assert expected in out, out
    pages = [line for line in out.splitlines() if line.startswith("/")]
    assert len(pages) == 4 and all(line.endswith(" 200") for line in pages), out
