# Who has an editor open (Presence) is written on every editor load and every live poll, and
# is worth nothing after a crash (rows older than 20 s stop counting): on PostgreSQL its table
# is UNLOGGED, so those writes make no WAL and their commits wait for no disk flush (an
# editor load: ~3.8 -> ~0.5 ms for the upsert at load ~3). After a crash PostgreSQL empties it;
# the next poll of each open editor writes its row again. SQLite keeps an ordinary table.

from django.db import migrations

TABLE = "postmortems_presence"


def set_unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET UNLOGGED")


def set_logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET LOGGED")


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0022_stored_search_documents"),
    ]

    operations = [
        migrations.RunPython(set_unlogged, set_logged),
    ]
