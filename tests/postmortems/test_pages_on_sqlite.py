"""`make run` uses SQLite: every postmortems page works there too (simpler search and
similarity instead of PostgreSQL full-text and trigrams)."""

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
import re
home = client.get("/", HTTP_HOST="127.0.0.1").content.decode()
print("home", *(bool(re.search(pattern, home)) for pattern in (
    r"since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC", r"Overdue since \\d{4}-\\d\\d-\\d\\d",
    r"MTTD \\d", r"MTTR \\d")))
from postmortems.models import Presence
present = Presence.objects.here().filter(postmortem__incident=pool)
print("present", [p.user.username for p in present])
from postmortems.models import ActionItem
bare = ActionItem.objects.create(incident=pool, text="Nothing set", priority="P1")
named = ActionItem.objects.create(incident=pool, text="Owner by name", priority="P1",
                                  owner_name="Sam", ticket="OPS-1")
reasons = dict(ActionItem.objects.with_flags().filter(pk__in=[bare.pk, named.pk])
               .values_list("text", "orphan_reason"))
print("reasons", reasons["Nothing set"], "|", reasons["Owner by name"])
"""


def test_the_demo_pages_answer_on_sqlite(sqlite_manage):
    sqlite_manage("migrate", "--noinput")
    sqlite_manage("load_demo")
    out = sqlite_manage("shell", "--no-imports", "-c", VISIT)
    statuses = [line for line in out.splitlines() if line.startswith("/")]
    assert len(statuses) == 9
    assert all(line.endswith(" 200") for line in statuses), out
    assert "search ['Accounts login errors from connection pool exhaustion', " \
           "'Checkout 5xx after connection pool exhaustion']" in out
    assert "similar ['Accounts login errors from connection pool exhaustion']" in out
    # The dashboard's rows, read as plain rows, have their dates and times as such.
    assert "home True True True True" in out
    assert "present ['demo']" in out  # the editor's upsert, in SQLite's time format
    # The orphan reasons are joined in SQL (CONCAT_WS on PostgreSQL, emulated on SQLite).
    assert "reasons no owner, no due date, no ticket | owner is not a user, no due date" in out
