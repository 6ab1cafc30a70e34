# The postmortems-due tally (postmortems/models/due_tally.py): a table of changes of the number
# of incidents the rules require without the clock and whose postmortem is not published,
# written by statement triggers on the incident and postmortem tables (PostgreSQL only, like
# 0018), filled here with the incidents there are; and the partial index of the ongoing
# customer-facing outages, which the clock alone makes due.

from django.conf import settings
from django.db import migrations, models

# postmortems.models.incidents.postmortem_rules, the customer-facing outage's end known (an
# outage still going on is the clock's: IncidentQuerySet.due_by_the_clock). Written out here:
# a change of the rules needs a migration that writes these functions again.
REQUIRED = """(i.severity <= 2
    OR (i.customer_facing
        AND COALESCE(i.mitigated_at, i.resolved_at) > i.started_at + interval '15 minutes')
    OR i.data_loss OR i.security OR (i.could_have_been_severe AND i.near_miss)
    OR i.novel_failure_mode)"""

DUE = f"""i.deleted_at IS NULL AND {REQUIRED} AND NOT EXISTS (
    SELECT 1 FROM postmortems_postmortem p WHERE p.incident_id = i.id AND p.state = 'published')"""

TRIGGERS_SQL = f"""
CREATE FUNCTION postmortems_due_tally_recount() RETURNS void LANGUAGE sql AS $$
    DELETE FROM postmortems_postmortemduetally;
    INSERT INTO postmortems_postmortemduetally (incidents)
    SELECT COUNT(*) FROM postmortems_incident i WHERE {DUE} HAVING COUNT(*) <> 0;
$$;
CREATE FUNCTION postmortems_incident_due_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change integer := 0;
    counted integer;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM postmortems_due_tally_recount();
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT COUNT(*) INTO counted FROM added i WHERE {DUE};
        change := change + counted;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT COUNT(*) INTO counted FROM removed i WHERE {DUE};
        change := change - counted;
    END IF;
    IF change <> 0 THEN
        INSERT INTO postmortems_postmortemduetally (incidents) VALUES (change);
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postmortems_postmortem_due_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change integer := 0;
    counted integer;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM postmortems_due_tally_recount();
        RETURN NULL;
    END IF;
    -- The incidents whose postmortem was or is published: locked before they are read, so a
    -- concurrent change of one of them is counted after this one, or this one after it.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM 1 FROM postmortems_incident i
        WHERE i.id IN (SELECT incident_id FROM added WHERE state = 'published')
        ORDER BY i.id FOR SHARE;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM 1 FROM postmortems_incident i
        WHERE i.id IN (SELECT incident_id FROM removed WHERE state = 'published')
        ORDER BY i.id FOR SHARE;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN  -- no longer published: due again if required
        SELECT COUNT(*) INTO counted FROM removed p JOIN postmortems_incident i
            ON i.id = p.incident_id
        WHERE p.state = 'published' AND i.deleted_at IS NULL AND {REQUIRED};
        change := change + counted;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN  -- published: no longer due
        SELECT COUNT(*) INTO counted FROM added p JOIN postmortems_incident i
            ON i.id = p.incident_id
        WHERE p.state = 'published' AND i.deleted_at IS NULL AND {REQUIRED};
        change := change - counted;
    END IF;
    IF change <> 0 THEN
        INSERT INTO postmortems_postmortemduetally (incidents) VALUES (change);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postmortems_incident_due_tally_insert AFTER INSERT ON postmortems_incident
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_due_tally();
CREATE TRIGGER postmortems_incident_due_tally_update AFTER UPDATE ON postmortems_incident
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_due_tally();
CREATE TRIGGER postmortems_incident_due_tally_delete AFTER DELETE ON postmortems_incident
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_due_tally();
CREATE TRIGGER postmortems_incident_due_tally_truncate AFTER TRUNCATE ON postmortems_incident
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_due_tally();
CREATE TRIGGER postmortems_postmortem_due_tally_insert AFTER INSERT ON postmortems_postmortem
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_postmortem_due_tally();
CREATE TRIGGER postmortems_postmortem_due_tally_update AFTER UPDATE ON postmortems_postmortem
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_postmortem_due_tally();
CREATE TRIGGER postmortems_postmortem_due_tally_delete AFTER DELETE ON postmortems_postmortem
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_postmortem_due_tally();
CREATE TRIGGER postmortems_postmortem_due_tally_truncate
    AFTER TRUNCATE ON postmortems_postmortem
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_postmortem_due_tally();
LOCK TABLE postmortems_incident, postmortems_postmortem IN SHARE MODE;
SELECT postmortems_due_tally_recount();
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER postmortems_incident_due_tally_insert ON postmortems_incident;
DROP TRIGGER postmortems_incident_due_tally_update ON postmortems_incident;
DROP TRIGGER postmortems_incident_due_tally_delete ON postmortems_incident;
DROP TRIGGER postmortems_incident_due_tally_truncate ON postmortems_incident;
DROP TRIGGER postmortems_postmortem_due_tally_insert ON postmortems_postmortem;
DROP TRIGGER postmortems_postmortem_due_tally_update ON postmortems_postmortem;
DROP TRIGGER postmortems_postmortem_due_tally_delete ON postmortems_postmortem;
DROP TRIGGER postmortems_postmortem_due_tally_truncate ON postmortems_postmortem;
DROP FUNCTION postmortems_incident_due_tally();
DROP FUNCTION postmortems_postmortem_due_tally();
DROP FUNCTION postmortems_due_tally_recount();
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('postmortems', '0023_presence_unlogged'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PostmortemDueTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('incidents', models.IntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(condition=models.Q(('customer_facing', True), ('deleted_at__isnull', True), ('mitigated_at__isnull', True), ('resolved_at__isnull', True)), fields=['started_at'], name='postmortems_incident_outage'),
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
