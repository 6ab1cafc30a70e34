"""`make run` uses SQLite: the demo has a closed review meeting, and a new meeting works there
too (start, a versioned edit and a stale one, the changes feed, close, history)."""

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
print("start", post(f"/incidents/{incident.pk}/meetings/start/").status_code)
meeting = Meeting.objects.open().get()
entry = meeting.postmortem.timeline.first()
data = {f"edit-{entry.pk}-at": entry.at.strftime("%Y-%m-%dT%H:%M:%S"),
        f"edit-{entry.pk}-kind": entry.kind, f"edit-{entry.pk}-text": "edited",
        f"edit-{entry.pk}-version": "1"}
edit = f"/timeline/{entry.pk}/edit/?meeting={meeting.pk}"
print("edit", post(edit, data).status_code)
data[f"edit-{entry.pk}-text"] = "edited on another screen"
print("stale", post(edit, data).status_code)
feed = get(f"/meetings/{meeting.pk}/changes/?since=2000-01-01T00:00:00%2B00:00").json()
print("feed", "timeline" in feed["parts"])
for url in [f"/meetings/{meeting.pk}/", f"/meetings/{demo.pk}/record/",
            f"/incidents/{incident.pk}/meetings/", f"/incidents/{incident.pk}/postmortem/history/"]:
    print(url, get(url).status_code)
"""


def test_the_meeting_works_on_sqlite(sqlite_manage):
    sqlite_manage("migrate", "--noinput")
    sqlite_manage("load_demo")
    out = sqlite_manage("shell", "--no-imports", "-c", RUN)
    for expected in ["demo-summary True", "summary-on-page True", "start 303", "edit 303",
                     "stale 409", "feed True"]:
        assert expected in out, out
    pages = [line for line in out.splitlines() if line.startswith("/")]
    assert len(pages) == 4 and all(line.endswith(" 200") for line in pages), out
