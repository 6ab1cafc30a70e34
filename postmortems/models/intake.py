"""Alerts received from a monitoring source (Alertmanager; a chat bridge later) and the
incident they opened or joined.

An AlertGroup is one source's group (Alertmanager's groupKey) attached to one incident; while
that incident is open, the same group joins it. A ReceivedAlert is one alert of the group
(fingerprint + its start): it is what makes a re-delivery add nothing, and it points at the
"alert fired" / "alert resolved" timeline entries it produced.
"""

from django.db import models
from django.utils import timezone

from postmortems.models.trash import HidesTrashed


class AlertGroupQuerySet(models.QuerySet):
    def joinable(self, source, key):
        """The group with this key whose incident is still open."""
        from postmortems.models.incidents import Incident

        return self.filter(source=source, key=key).exclude(
            incident__status=Incident.Status.RESOLVED)


class AlertGroup(models.Model):
    source = models.CharField(max_length=30, help_text="e.g. alertmanager")
    key = models.CharField(max_length=1000, help_text="The source's group key.")
    incident = models.ForeignKey("postmortems.Incident", on_delete=models.CASCADE,
                                 related_name="alert_groups")
    receiver = models.CharField(max_length=200, blank=True)
    external_url = models.URLField(max_length=1000, blank=True,
                                   help_text="Where the source shows the group.")
    created_at = models.DateTimeField(default=timezone.now)
    all_resolved_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Every alert of the group resolved at (the incident stays open for a person "
                  "to resolve).")

    incident_lookup = "incident__"  # a group of an incident in the trash joins nothing
    objects = HidesTrashed.from_queryset(AlertGroupQuerySet)()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["source", "key"], name="postmortems_alertgroup_key")]

    def __str__(self):
        return f"{self.source} group for {self.incident_id}"


class ReceivedAlert(models.Model):
    group = models.ForeignKey(AlertGroup, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    fired_entry = models.ForeignKey("postmortems.TimelineEntry", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_entry = models.ForeignKey("postmortems.TimelineEntry", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "fingerprint", "starts_at"],
                                    name="postmortems_receivedalert_once"),
        ]

    def __str__(self):
        return f"{self.name or self.fingerprint} from {self.starts_at:%Y-%m-%d %H:%M:%S} UTC"

    @property
    def is_resolved(self):
        return self.ends_at is not None


