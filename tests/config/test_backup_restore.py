"""`manage.py backup` / `restore` (issue 10, finding 5): a round trip brings back what was
deleted, on PostgreSQL (pg_dump/pg_restore) and on SQLite (a file copy)."""

import pytest
from django.core.management import CommandError, call_command

from postmortems.models import Incident, TimelineEntry, Why


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_round_trip_restores_a_deleted_incident_whole(tmp_path, make, editor):
    incident = make.incident("Checkout outage", owner=editor)
    postmortem = make.postmortem(incident)
    make.timeline_entry(postmortem, text="Alert fired")
    make.why(postmortem, 1, "Why?", "Pool exhausted.")
    path = tmp_path / "pm.dump"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    incident_pk = incident.pk
    incident.delete()
    assert not TimelineEntry.objects.exists()
    call_command("restore", str(path), "--yes")

    restored = Incident.objects.get(title="Checkout outage")
    assert restored.pk == incident_pk
    assert [e.text for e in TimelineEntry.objects.filter(postmortem__incident=restored)] == [
        "Alert fired"]
    assert Why.objects.get(postmortem__incident=restored).answer == "Pool exhausted."


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nothing.dump"), "--yes")


def test_a_sqlite_round_trip(sqlite_manage, tmp_path):
    sqlite_manage("migrate", "-v0")
    sqlite_manage("shell", "-c", "from postmortems.models import Service; "
                                 "Service.objects.create(name='Kept', slug='kept')")
    sqlite_manage("backup", str(tmp_path / "copy.sqlite3"))
    sqlite_manage("shell", "-c", "from postmortems.models import Service; "
                                 "Service.objects.all().delete()")
    sqlite_manage("restore", str(tmp_path / "copy.sqlite3"), "--yes")
    out = sqlite_manage("shell", "-c", "from postmortems.models import Service; "
                                       "print(list(Service.objects.values_list('name', "
                                       "flat=True)))")
    assert out.strip().splitlines()[-1] == "['Kept']"
