"""Incidents name the SLOs they hit; each link records the share of the SLO's error budget
the incident consumed (measured from Prometheus over the incident's start → resolve)."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from postmortems.models.trash import HidesTrashed


class IncidentImpactQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Links to (re)measure, whose incident is over (or at least mitigated): never
        measured, measured for other start/end times, or failed more than RETRY_AFTER ago."""
        now = now or timezone.now()
        status = IncidentImpact.Status
        return self.annotate(
            incident_end=Coalesce(F("incident__resolved_at"), F("incident__mitigated_at")),
        ).filter(incident_end__isnull=False).filter(
            Q(status=status.PENDING)
            | Q(status=status.ERROR, measured_at__lt=now - IncidentImpact.RETRY_AFTER)
            | Q(measured_start__isnull=True) | Q(measured_end__isnull=True)
            | ~Q(measured_start=F("incident__started_at"))
            | ~Q(measured_end=F("incident_end"))
        )


class IncidentImpact(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Not measured yet"
        OK = "ok", "Measured"
        NO_DATA = "no_data", "No data for the interval"
        ERROR = "error", "Prometheus could not answer"

    slo = models.ForeignKey("slos.SLO", on_delete=models.CASCADE,
                            related_name="incident_impacts")
    incident = models.ForeignKey("postmortems.Incident", on_delete=models.CASCADE,
                                 related_name="slo_impacts")
    RETRY_AFTER = timedelta(minutes=5)

    budget_consumed = models.FloatField(
        null=True, blank=True, help_text="Share of the SLO window's error budget, 0.12 = 12%")
    bad_events = models.FloatField(null=True, blank=True,
                                   help_text="Bad events counted during the incident")
    measured_start = models.DateTimeField(null=True, blank=True)
    measured_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    incident_lookup = "incident__"
    objects = HidesTrashed.from_queryset(IncidentImpactQuerySet)()

    class Meta:
        ordering = ["-incident__started_at", "slo__name"]
        constraints = [
            models.UniqueConstraint(fields=["slo", "incident"], name="slos_impact_unique"),
        ]

    def __str__(self):
        return f"{self.incident_id} hit {self.slo_id}"
