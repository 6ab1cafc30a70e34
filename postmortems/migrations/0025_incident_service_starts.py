# Each incident-service link with its incident's start (postmortems/models/service_starts.py),
# kept by statement triggers on the link table and the incident table (PostgreSQL only, like
# 0018 and 0024), filled here with the links there are.

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS_SQL = """
CREATE FUNCTION postmortems_link_service_starts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM postmortems_incidentservicestart;
        RETURN NULL;
    END IF;
    -- The links' incidents, locked before they are read: a concurrent change of one's start
    -- or trash mark is applied after this one, or this one after it.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM 1 FROM postmortems_incident i
        WHERE i.id IN (SELECT incident_id FROM removed) ORDER BY i.id FOR SHARE;
        DELETE FROM postmortems_incidentservicestart s USING removed r
        WHERE s.incident_id = r.incident_id AND s.service_id = r.service_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM 1 FROM postmortems_incident i
        WHERE i.id IN (SELECT incident_id FROM added) ORDER BY i.id FOR SHARE;
        INSERT INTO postmortems_incidentservicestart (incident_id, service_id, started_at)
        SELECT a.incident_id, a.service_id, i.started_at
        FROM added a JOIN postmortems_incident i ON i.id = a.incident_id
        WHERE i.deleted_at IS NULL
        ON CONFLICT (incident_id, service_id) DO UPDATE SET started_at = EXCLUDED.started_at;
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION postmortems_incident_service_starts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM postmortems_incidentservicestart;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM postmortems_incidentservicestart s USING removed r
        WHERE s.incident_id = r.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN  -- the incidents whose start or trash mark changed
        DELETE FROM postmortems_incidentservicestart s USING added a JOIN removed r
            ON r.id = a.id
        WHERE s.incident_id = a.id AND (a.started_at IS DISTINCT FROM r.started_at
                                        OR a.deleted_at IS DISTINCT FROM r.deleted_at);
        INSERT INTO postmortems_incidentservicestart (incident_id, service_id, started_at)
        SELECT l.incident_id, l.service_id, a.started_at
        FROM added a JOIN removed r ON r.id = a.id
        JOIN postmortems_incident_services l ON l.incident_id = a.id
        WHERE a.deleted_at IS NULL AND (a.started_at IS DISTINCT FROM r.started_at
                                        OR a.deleted_at IS DISTINCT FROM r.deleted_at)
        ON CONFLICT (incident_id, service_id) DO UPDATE SET started_at = EXCLUDED.started_at;
    ELSE  -- INSERT: links written before their incident (the foreign key is deferred)
        INSERT INTO postmortems_incidentservicestart (incident_id, service_id, started_at)
        SELECT l.incident_id, l.service_id, a.started_at
        FROM added a JOIN postmortems_incident_services l ON l.incident_id = a.id
        WHERE a.deleted_at IS NULL
        ON CONFLICT (incident_id, service_id) DO UPDATE SET started_at = EXCLUDED.started_at;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postmortems_link_service_starts_insert AFTER INSERT
    ON postmortems_incident_services REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_link_service_starts();
CREATE TRIGGER postmortems_link_service_starts_update AFTER UPDATE
    ON postmortems_incident_services REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_link_service_starts();
CREATE TRIGGER postmortems_link_service_starts_delete AFTER DELETE
    ON postmortems_incident_services REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_link_service_starts();
CREATE TRIGGER postmortems_link_service_starts_truncate AFTER TRUNCATE
    ON postmortems_incident_services
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_link_service_starts();
CREATE TRIGGER postmortems_incident_service_starts_insert AFTER INSERT
    ON postmortems_incident REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_service_starts();
CREATE TRIGGER postmortems_incident_service_starts_update AFTER UPDATE
    ON postmortems_incident REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_service_starts();
CREATE TRIGGER postmortems_incident_service_starts_delete AFTER DELETE
    ON postmortems_incident REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_service_starts();
CREATE TRIGGER postmortems_incident_service_starts_truncate AFTER TRUNCATE
    ON postmortems_incident
    FOR EACH STATEMENT EXECUTE FUNCTION postmortems_incident_service_starts();
LOCK TABLE postmortems_incident, postmortems_incident_services IN SHARE MODE;
DELETE FROM postmortems_incidentservicestart;
INSERT INTO postmortems_incidentservicestart (incident_id, service_id, started_at)
SELECT l.incident_id, l.service_id, i.started_at
FROM postmortems_incident_services l JOIN postmortems_incident i ON i.id = l.incident_id
WHERE i.deleted_at IS NULL;
ANALYZE postmortems_incidentservicestart;
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER postmortems_link_service_starts_insert ON postmortems_incident_services;
DROP TRIGGER postmortems_link_service_starts_update ON postmortems_incident_services;
DROP TRIGGER postmortems_link_service_starts_delete ON postmortems_incident_services;
DROP TRIGGER postmortems_link_service_starts_truncate ON postmortems_incident_services;
DROP TRIGGER postmortems_incident_service_starts_insert ON postmortems_incident;
DROP TRIGGER postmortems_incident_service_starts_update ON postmortems_incident;
DROP TRIGGER postmortems_incident_service_starts_delete ON postmortems_incident;
DROP TRIGGER postmortems_incident_service_starts_truncate ON postmortems_incident;
DROP FUNCTION postmortems_link_service_starts();
DROP FUNCTION postmortems_incident_service_starts();
"""


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_SQL)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('postmortems', '0024_postmortem_due_tally'),
    ]

    operations = [
        migrations.CreateModel(
            name='IncidentServiceStart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('incident_id', models.BigIntegerField()),
                ('started_at', models.DateTimeField()),
                ('service', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='postmortems.service')),
            ],
            options={
                'indexes': [models.Index(fields=['started_at', 'service'], name='postmortems_service_start')],
                'constraints': [models.UniqueConstraint(fields=('incident_id', 'service'), name='postmortems_service_start_link')],
            },
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
