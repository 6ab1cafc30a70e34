"""Each incident-service link of an incident outside the trash, with the incident's start,
kept by the database itself, so the dashboard's recurring services (the services with the
most incidents in the last 90 days) read a range of one index instead of joining the
incidents of the window with every link (~0.8 ms at 10,000 incidents, growing with them).

Triggers on the link table and the incident table (PostgreSQL, migration 0025) keep it, in
the writer's statement and transaction, for every write path: a link added or removed, an
incident's start changed, moved to the trash or back, deleted. A link's change locks its
incident's row (FOR SHARE) first, so it and a concurrent change of that incident's start or
trash mark are applied one after the other. Elsewhere (SQLite) there are no triggers: the
recurring services are read from the links themselves.
"""

from django.db import connection, models

from postmortems.models.catalogue import Service


class IncidentServiceStart(models.Model):
    """An incident-service link (see the module), the incident outside the trash."""

    incident_id = models.BigIntegerField()
    service = models.ForeignKey(Service, on_delete=models.DO_NOTHING, db_constraint=False,
                                db_index=False,
                                related_name="+")
    started_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident_id", "service"],
                                    name="postmortems_service_start_link"),
        ]
        indexes = [
            # The services of the incidents started since a time, from the index alone.
            models.Index(fields=["started_at", "service"], name="postmortems_service_start"),
        ]

    def __str__(self):
        return f"#{self.incident_id} {self.service_id} {self.started_at:%Y-%m-%d %H:%M}"

    @classmethod
    def kept(cls):
        """Does the database keep these rows (PostgreSQL: the triggers of migration 0025)?"""
        return connection.vendor == "postgresql"
