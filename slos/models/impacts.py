"""Incidents name the SLOs they hit; each link records the share of the SLO's error budget
the incident consumed (measured from Prometheus over the incident's start → resolve)."""

from django.db import models
from django.utils import timezone


class IncidentImpactQuerySet(models.QuerySet):
    def pending(self):
        """Links not measured yet whose incident is over (or at least mitigated)."""
        return self.filter(status=IncidentImpact.Status.PENDING).filter(
            models.Q(incident__resolved_at__isnull=False)
            | models.Q(incident__mitigated_at__isnull=False)
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
    budget_consumed = models.FloatField(
        null=True, blank=True, help_text="Share of the SLO window's error budget, 0.12 = 12%")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = IncidentImpactQuerySet.as_manager()

    class Meta:
        ordering = ["-incident__started_at", "slo__name"]
        constraints = [
            models.UniqueConstraint(fields=["slo", "incident"], name="slos_impact_unique"),
        ]

    def __str__(self):
        return f"{self.incident_id} hit {self.slo_id}"
