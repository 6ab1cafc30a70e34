"""Snapshots written before cycles were recorded: of several snapshots of one SLO in one poll
cycle (a cycle run twice), keep one, the one the SLO shows if it is among them, else the
newest written; then record each kept snapshot's cycle (its time rounded down to the poll
interval). In SQL, one statement each, so a large history migrates in seconds."""

from django.conf import settings
from django.db import migrations

CYCLE_KEY = {
    "postgresql": "floor(extract(epoch from s.taken_at) / %(interval)s)",
    "sqlite": "CAST(strftime('%%s', s.taken_at) AS INTEGER) / %(interval)s",
}
CYCLE_START = {
    "postgresql": "to_timestamp(floor(extract(epoch from taken_at) / %(interval)s) "
                  "* %(interval)s)",
    "sqlite": "datetime(CAST(strftime('%%s', taken_at) AS INTEGER) / %(interval)s "
              "* %(interval)s, 'unixepoch')",
}


def remove_duplicates(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in CYCLE_KEY:
        return
    params = {"interval": int(settings.SLO_POLL_INTERVAL)}
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"""
            DELETE FROM slos_snapshot WHERE id IN (
              SELECT id FROM (
                SELECT s.id, row_number() OVER (
                  PARTITION BY s.slo_id, {CYCLE_KEY[vendor]}
                  ORDER BY CASE WHEN s.id = o.latest_snapshot_id THEN 0 ELSE 1 END,
                           s.id DESC) AS n
                FROM slos_snapshot s JOIN slos_slo o ON o.id = s.slo_id
                WHERE s.cycle IS NULL) ranked
              WHERE n > 1)""", params)
        cursor.execute(f"UPDATE slos_snapshot SET cycle = {CYCLE_START[vendor]} "
                       "WHERE cycle IS NULL", params)


class Migration(migrations.Migration):

    dependencies = [
        ("slos", "0012_snapshot_cycle"),
    ]

    operations = [
        migrations.RunPython(remove_duplicates, migrations.RunPython.noop, elidable=True),
    ]
