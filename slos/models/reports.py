"""The monthly compliance of each SLO, stored: what Prometheus said about one calendar month
(UTC), so the report page is fast and a month outlives Prometheus's retention."""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from slos import budget


class MonthlyResult(models.Model):
    class Status(models.TextChoices):
        OK = "ok", "Measured"
        NO_DATA = "no_data", "No traffic in the month"
        OUTSIDE_RETENTION = "outside_retention", "Not measured (outside Prometheus retention)"
        ERROR = "error", "Prometheus could not answer"

    slo = models.ForeignKey("slos.SLO", on_delete=models.CASCADE,
                            related_name="monthly_results")
    month = models.DateField(help_text="The month's first day.")
    status = models.CharField(max_length=20, choices=Status)
    target = models.DecimalField("target (%)", max_digits=7, decimal_places=4,
                                 help_text="The SLO's target when the month was measured.")
    total_events = models.FloatField(null=True, blank=True)
    bad_events = models.FloatField(null=True, blank=True)
    final = models.BooleanField(
        default=False, help_text="Measured after the month ended: the figure will not change.")
    error = models.TextField(blank=True)
    measured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "slo_id"]
        constraints = [
            models.UniqueConstraint(fields=["slo", "month"], name="slos_monthly_result_unique"),
        ]

    def __str__(self):
        return f"{self.slo_id} {self.month:%Y-%m} {self.status}"

    @property
    def measured(self):
        return self.status == self.Status.OK

    @property
    def sli(self):
        if not self.measured:
            return None
        return budget.sli_from_counts(self.total_events - self.bad_events, self.total_events)

    @property
    def allowed_bad_events(self):
        """The month's budget in events: (1 - target) x all events of the month."""
        if not self.measured:
            return None
        return budget.allowed_bad_events(self.total_events, budget.error_budget(self.target))

    @property
    def budget_used(self):
        """Share of the month's error budget spent (1.0 = all of it; above 1: overspent)."""
        allowed = self.allowed_bad_events
        return None if not allowed else self.bad_events / allowed

    @property
    def met(self):
        return self.meets(self.total_events, self.bad_events, self.target) if self.measured \
            else None

    @staticmethod
    def meets(total_events, bad_events, target):
        """Did a measured month meet the target? SLI x 100 >= target (a hair of float
        tolerance)."""
        sli = budget.sli_from_counts(total_events - bad_events, total_events)
        return None if sli is None else sli * 100 >= float(target) - 1e-9


class QueuedMonthQuerySet(models.QuerySet):
    def claim(self, month, now=None):
        """True when the caller is to queue ``month``'s measuring job: none is pending or
        running (queued less than ``QueuedMonth.LOST_AFTER`` ago). Two readers at once: one
        of them claims it (the row's unique key, the UPDATE's row lock)."""
        now = now or timezone.now()
        if self.filter(month=month, queued_at__lt=now - QueuedMonth.LOST_AFTER).update(
                queued_at=now):
            return True  # the last one queued is taken as lost: queue another
        _marker, created = self.get_or_create(month=month, defaults={"queued_at": now})
        return created

    def finished(self, month, started_at):
        """A measuring job that started at ``started_at`` has measured what every job queued
        before then was queued for: they are done (a job queued since then is still due)."""
        self.filter(month=month, queued_at__lte=started_at).delete()


class QueuedMonth(models.Model):
    """A month's measuring job (``slos.measure_month``) queued by a read of the report and not
    finished yet: while it is pending or running, reads that find SLOs still unmeasured queue
    no other, so jobs do not pile up in the broker. One queued longer than ``LOST_AFTER`` ago
    is taken as lost (the worker killed, the broker emptied) and may be queued again."""

    LOST_AFTER = timedelta(minutes=15)

    month = models.DateField(primary_key=True, help_text="The month's first day.")
    queued_at = models.DateTimeField()

    objects = QueuedMonthQuerySet.as_manager()

    def __str__(self):
        return f"{self.month:%Y-%m} queued at {self.queued_at:%Y-%m-%d %H:%M:%S}"
