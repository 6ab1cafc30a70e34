# The action item tally (postmortems/models/action_tally.py): a table of changes of the number
# of items per status and priority, written by statement triggers on the action item table
# (PostgreSQL only, like 0008, 0010 and 0015), filled here with the items there are.

from django.db import migrations, models

TRIGGERS_SQL = """
CREATE FUNCTION postmortems_actionitem_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO postmortems_actionitemtally (status, priority, items)
        SELECT status, priority, COUNT(*) FROM added GROUP BY status, priority;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO postmortems_actionitemtally (status, priority, items)
        SELECT status, priority, -COUNT(*) FROM removed GROUP BY status, priority;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO postmortems_actionitemtally (status, priority, items)
        SELECT status, priority, SUM(change) FROM (
            SELECT status, priority, 1 AS change FROM added
            UNION ALL SELECT status, priority, -1 FROM removed
        ) AS changes GROUP BY status, priority HAVING SUM(change) <> 0;
    ELSE
        DELETE FROM postmortems_actionitemtally;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postmortems_actionitem_tally_insert AFTER INSERT ON postmortems_actionitem
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_actionitem_tally();
CREATE TRIGGER postmortems_actionitem_tally_update AFTER UPDATE ON postmortems_actionitem
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_actionitem_tally();
CREATE TRIGGER postmortems_actionitem_tally_delete AFTER DELETE ON postmortems_actionitem
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_actionitem_tally();
CREATE TRIGGER postmortems_actionitem_tally_truncate AFTER TRUNCATE ON postmortems_actionitem
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_actionitem_tally();
LOCK TABLE postmortems_actionitem IN SHARE MODE;
DELETE FROM postmortems_actionitemtally;
INSERT INTO postmortems_actionitemtally (status, priority, items)
SELECT status, priority, COUNT(*) FROM postmortems_actionitem GROUP BY status, priority;
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER postmortems_actionitem_tally_insert ON postmortems_actionitem;
DROP TRIGGER postmortems_actionitem_tally_update ON postmortems_actionitem;
DROP TRIGGER postmortems_actionitem_tally_delete ON postmortems_actionitem;
DROP TRIGGER postmortems_actionitem_tally_truncate ON postmortems_actionitem;
DROP FUNCTION postmortems_actionitem_tally();
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ("postmortems", "0017_similar_incidents"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActionItemTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("status", models.CharField(max_length=20)),
                ("priority", models.CharField(max_length=2)),
                ("items", models.IntegerField()),
            ],
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
