"""One poll of one SLO: the figures Prometheus gave, or why it gave none."""

import functools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.db import connection, models
from django.db.models import Avg, DateTimeField, FloatField, Func, IntegerField
from django.db.models.functions import ExtractMinute, Floor, TruncDay, TruncHour
from django.utils import timezone

from postmortems.statements import Given, Statement
from slos import budget, periods, prometheus, shape
from slos.models.objectives import SLO


class HourStart(Func):
    """The start of the UTC hour a time falls in, in seconds since the epoch (a float), read
    as the database gives it: TruncHour's datetimes were made aware by Django row by row, ~1 ms
    of CPU for the 672 hourly points of a 28-day chart."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        # In double precision, as cheap per row as date_trunc (EXTRACT's numeric doubled the
        # aggregate's time); a microsecond before the hour stays in it for millennia to come.
        return self.as_sql(compiler, connection, template=(
            "FLOOR(DATE_PART('epoch', %(expressions)s) / 3600) * 3600"), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps UTC times as text, "2026-03-09 12:34:56.789": its hour, then the
        # Julian day of that whole hour in seconds, exact once rounded.
        return self.as_sql(compiler, connection, template=(
            "ROUND((julianday(substr(%(expressions)s, 1, 13) || ':00:00') - 2440587.5) "
            "* 86400)"), **extra)


class SnapshotQuerySet(models.QuerySet):
    def good(self):
        return self.filter(status=Snapshot.Status.OK)

    def within(self, start, end=None):
        queryset = self.filter(taken_at__gte=start)
        return queryset if end is None else queryset.filter(taken_at__lte=end)

    def hourly_budget(self):
        """Budget remaining averaged per UTC hour: the burn-down chart's points, a bounded number
        of rows whatever the poll interval; each hour as its start in seconds since the epoch
        (HourStart: burn_down_points makes them datetimes)."""
        return (self.good().annotate(hour=HourStart("taken_at")).values("hour")
                .annotate(remaining=Avg("budget_remaining")).order_by("hour"))

    def burn_down_points(self):
        """[(hour, remaining)]: hourly_budget's rows, each hour an aware UTC datetime."""
        return [(datetime.fromtimestamp(hour, UTC), remaining)
                for hour, remaining in self.hourly_budget().values_list("hour", "remaining")]

    def downsample(self, now=None):
        """Retention tiers: every snapshot for SLO_SNAPSHOT_RAW_HOURS (48), then the first of
        each 5 minutes up to SLO_SNAPSHOT_FIVE_MINUTE_DAYS (3, the longest burn window), the
        first of each hour within the SLO's window, the first of each day before it. The
        chart averages per hour and the figures come from the latest poll, so each reads a
        tier that holds what it needs. The latest snapshot of an SLO is never deleted. A fixed
        number of queries; returns the number deleted."""
        from django.conf import settings

        now = now or timezone.now()
        raw_until = now - timedelta(hours=settings.SLO_SNAPSHOT_RAW_HOURS)
        five_minute_until = min(
            raw_until, now - timedelta(days=settings.SLO_SNAPSHOT_FIVE_MINUTE_DAYS))
        hour, day = TruncHour("taken_at"), TruncDay("taken_at")
        five_minutes = Floor(ExtractMinute("taken_at") / 5)
        deleted = self._thin(self.filter(taken_at__lt=raw_until,
                                         taken_at__gte=five_minute_until),
                             hour=hour, five=five_minutes)
        for window in SLO.Window.values:
            # A calendar SLO keeps hourly points over its longest period (31 days a month).
            start = now - timedelta(seconds=budget.DAY * periods.LONGEST_DAYS[window]
                                    if window in periods.KINDS
                                    else budget.parse_duration(window))
            of_window = self.filter(slo__window=window)
            deleted += self._thin(of_window.filter(taken_at__lt=five_minute_until,
                                                   taken_at__gte=start), hour=hour)
            deleted += self._thin(of_window.filter(taken_at__lt=start), day=day)
        return deleted

    def _thin(self, snapshots, **bucket):
        """Delete all but the first snapshot of each SLO in each bucket."""
        keep = (snapshots.annotate(**bucket).values("slo", *bucket)
                .annotate(first=models.Min("pk")).values("first"))
        latest = SLO.objects.filter(latest_snapshot__isnull=False).values("latest_snapshot")
        return snapshots.exclude(pk__in=keep).exclude(pk__in=latest).delete()[0]


def burn_down_statement(slo_pk, start):
    """The SLO's hourly_budget from ``start`` as a statement (to run beside others) of
    (hour, remaining) rows, the chart's points (chart.burn_down); compiled once per process,
    the SLO and ``start`` given when it runs."""
    return _burn_down_statement(connection.vendor).given(slo=slo_pk, start=start)


@functools.lru_cache(maxsize=2)
def _burn_down_statement(vendor):
    statement = Statement.of(
        Snapshot.objects.filter(slo=Given("slo", IntegerField()))
        .within(Given("start", DateTimeField())).hourly_budget().values_list("hour", "remaining"))
    # Both columns come as floats from PostgreSQL (double precision) and SQLite (real): not
    # through the float() Django adds to a float expression, twice a row (~700 rows).
    return replace(statement, converters=())


class Snapshot(models.Model):
    class Status(models.TextChoices):
        OK = "ok", "OK"
        NO_DATA = "no_data", "No data"
        ERROR = "error", "Error"
        BROKEN = "broken", "Broken query"

    STATUS_LABELS = dict(Status.choices)

    class Fault(models.TextChoices):
        NONE = "", "None"
        REFUSED = prometheus.REFUSED, "Connection refused"
        TIMEOUT = prometheus.TIMEOUT, "Timed out"
        HTTP_4XX = prometheus.HTTP_4XX, "HTTP 4xx"
        HTTP_5XX = prometheus.HTTP_5XX, "HTTP 5xx"
        PROM_ERROR = prometheus.PROM_ERROR, "Prometheus answered status: error"
        BAD_RESPONSE = prometheus.BAD_RESPONSE, "Not a Prometheus answer"
        EMPTY = prometheus.EMPTY, "Empty result (no series)"
        NAN = prometheus.NAN, "NaN or Inf (no traffic)"
        MANY = prometheus.MANY, "Several series"
        GOOD_ABOVE_TOTAL = shape.GOOD_ABOVE_TOTAL, "Good events above all events"

    class Source(models.TextChoices):
        RAW = "raw", "Raw queries"
        RECORDED = "recorded", "Recorded series"

    # No index of its own: the unique (slo, cycle) index leads with the SLO and serves every
    # per-SLO read (the chart reads all of an SLO's snapshots in its window, a few thousand).
    slo = models.ForeignKey("slos.SLO", on_delete=models.CASCADE, related_name="snapshots",
                            db_index=False)
    taken_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status)
    fault = models.CharField(max_length=20, choices=Fault, blank=True, default="")
    error = models.TextField(blank=True)
    sli = models.FloatField(null=True, blank=True)
    budget_remaining = models.FloatField(null=True, blank=True)
    error_ratios = models.JSONField(default=dict, blank=True,
                                    help_text='Error ratio per window, e.g. {"5m": 0.001}')
    source = models.CharField(max_length=10, choices=Source, default=Source.RAW)
    cycle = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="The start of the beat's poll cycle that wrote it (one row per SLO and "
                  "cycle); empty for a poll of one SLO (Poll now, a retry).")

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-pk"]
        get_latest_by = "taken_at"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ok") | models.Q(sli__isnull=False),
                name="slos_snapshot_ok_has_sli",
            ),
            # A cycle run twice (a worker lost mid-poll and the task redelivered, a second
            # beat) rewrites its rows instead of adding a second snapshot.
            models.UniqueConstraint(fields=["slo", "cycle"], name="slos_snapshot_one_per_cycle"),
        ]

    def __str__(self):
        return f"{self.slo_id} {self.taken_at:%Y-%m-%d %H:%M:%S} UTC {self.status}"

    @property
    def status_label(self):
        """get_status_display(), read from a dict made once (every panel of a page asks)."""
        return self.STATUS_LABELS.get(self.status, self.status)


class LatestPoll:
    """An SLO's latest snapshot as a list reads it (ListedSLO): the fields its figures read
    (figures.POLL_FIELDS), as values."""

    Status = Snapshot.Status
    STATUS_LABELS = Snapshot.STATUS_LABELS
    status_label = Snapshot.status_label

    def __init__(self, **fields):
        self.__dict__.update(fields)
