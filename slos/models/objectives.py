"""Service level objectives: what is measured (two PromQL expressions), the target and the
window, the alert settings, and the figures of the latest poll (slos.models.figures)."""

import functools
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, IntegerField, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from postmortems.models.actions import count_each_sql
from postmortems.statements import Given, Statement, model_statement, run
from slos import alerting, budget, periods, promql
from slos.models.figures import POLL_FIELDS, FiguresMixin
from slos.models.impacts import IncidentImpact
from slos.models.windows import WindowMixin


class SLOQuerySet(models.QuerySet):
    def for_panels(self):
        """An SLO with what its panel and its figures read, in one query."""
        return self.select_related("service", "data_source", "latest_snapshot")

    def for_lists(self):
        """The values a list's rows are made of (ListedSLO.of makes the rows), one query."""
        return self.values(*ListedSLO.FIELDS, **ListedSLO.RELATED)

    def for_service(self, service):
        return self.filter(service=service)

    def matching(self, text):
        """SLOs whose name, service name or service slug holds every word of ``text`` (any
        case); every SLO when it is blank."""
        found = self
        for word in text.split():
            found = found.filter(Q(name__icontains=word) | Q(service__name__icontains=word)
                                 | Q(service__slug__icontains=word))
        return found

    def services_first(self, services):
        """The SLOs of ``services`` (a queryset) first, then by service and SLO name."""
        return self.annotate(other_service=models.Case(
            models.When(service__in=services, then=models.Value(False)),
            default=models.Value(True), output_field=models.BooleanField(),
        )).order_by("other_service", "service__name", "name", "pk")

    def service_gate(self, service, now=None):
        """May risky changes to ``service`` ship? Only if every one of its SLOs allows them
        (a service without SLOs has no budget to consult: no). The verdict, the worst
        policy, the least budget left, the reason, and each SLO's own verdict."""
        now = now or timezone.now()
        verdicts = [slo.gate(now) for slo in self.for_panels().for_service(service)]
        blocking = [v for v in verdicts if not v["allowed"]]
        if not verdicts:
            reason = f"{service.name} has no SLO: no error budget to consult."
        elif blocking:
            reason = " ".join(v["reason"] for v in blocking)
        else:
            reason = f"Every SLO of {service.name} allows risky changes."
        return {
            "service": service.slug, "allowed": bool(verdicts) and not blocking,
            "policy": budget.worst_policy(v["policy"] for v in verdicts),
            "budget_remaining": min((v["budget_remaining"] for v in verdicts
                                     if v["budget_remaining"] is not None), default=None),
            "reason": reason, "slos": verdicts,
        }


class SLO(WindowMixin, FiguresMixin, models.Model):
    class Kind(models.TextChoices):
        AVAILABILITY = "availability", "Availability (good requests / all requests)"
        LATENCY = "latency", "Latency (requests faster than a threshold / all requests)"

    class Window(models.TextChoices):
        DAYS_7 = "7d", "Rolling 7 days"
        DAYS_28 = "28d", "Rolling 28 days"
        DAYS_30 = "30d", "Rolling 30 days"
        MONTHLY = periods.MONTHLY, "Calendar month (UTC)"
        WEEKLY = periods.WEEKLY, "Calendar week (ISO, from Monday 00:00 UTC)"

    ROLLING_WINDOWS = ("7d", "28d", "30d")

    class QueryCheck(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked (Prometheus unreachable)"
        OK = "ok", "Checked"
        FAILED = "failed", "Prometheus refused it"

    service = models.ForeignKey("postmortems.Service", on_delete=models.PROTECT,
                                related_name="slos")
    data_source = models.ForeignKey("slos.DataSource", on_delete=models.PROTECT,
                                    related_name="slos")
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True, editable=False,
                            help_text="The slo label of the recorded series.")
    description = models.TextField(blank=True)
    kind = models.CharField("SLI kind", max_length=20, choices=Kind, default=Kind.AVAILABILITY)
    good_query = models.TextField(
        "good events (PromQL)",
        help_text="Write the range as [$window], e.g. "
                  'sum(rate(http_requests_total{status!~"5.."}[$window]))',
    )
    total_query = models.TextField(
        "all events (PromQL)",
        help_text="e.g. sum(rate(http_requests_total[$window]))",
    )
    target = models.DecimalField("target (%)", max_digits=7, decimal_places=4,
                                 help_text="Between 0 and 100, e.g. 99.9")
    window = models.CharField(
        max_length=10, choices=Window, default=Window.DAYS_28,
        help_text="Rolling: the last N days. Calendar: the month or ISO week so far, in UTC.")
    fast_burn_rate = models.FloatField(
        null=True, blank=True, help_text="Pages over 1h and 5m. Blank: 2% of the budget in 1h."
    )
    slow_burn_rate = models.FloatField(
        null=True, blank=True, help_text="Alerts over 6h and 30m. Blank: 5% of the budget in 6h."
    )
    fast_ticket_burn_rate = models.FloatField(
        null=True, blank=True, help_text="Tickets over 1d and 2h. Blank: 10% of the budget in 1d."
    )
    ticket_burn_rate = models.FloatField(
        null=True, blank=True, help_text="Tickets over 3d and 6h. Blank: 10% of the budget in 3d."
    )
    fast_severity = models.CharField(max_length=30, default="critical")
    slow_severity = models.CharField(max_length=30, default="warning")
    fast_ticket_severity = models.CharField(max_length=30, default="ticket")
    ticket_severity = models.CharField(max_length=30, default="ticket")
    exhausted_severity = models.CharField("budget exhausted severity", max_length=30,
                                          default="ticket")
    no_data_severity = models.CharField("no data severity", max_length=30, default="warning")
    runbook_url = models.URLField("runbook URL", max_length=500, blank=True,
                                  help_text="Linked from every alert of this SLO.")
    alert_labels = models.JSONField(
        default=dict, blank=True,
        help_text='Added to every alert of this SLO, e.g. {"team": "payments"}.')
    min_events = models.PositiveIntegerField(
        "minimum events", null=True, blank=True,
        help_text="No burn alert below this many events in the alert's long window.")

    query_check = models.CharField(max_length=10, choices=QueryCheck,
                                   default=QueryCheck.UNCHECKED, editable=False)
    query_check_message = models.TextField(blank=True, editable=False)
    query_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    latest_snapshot = models.ForeignKey("slos.Snapshot", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        editable=False)
    last_good_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The oldest sample of the all-events query Prometheus holds (slos.coverage).
    data_since = models.DateTimeField(null=True, blank=True, editable=False)
    coverage_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The optimistic-version rule of every edited object (postmortems.revisions.concurrency):
    # the form and the API name the version they were based on.
    version = models.PositiveIntegerField(default=1)

    # What people change, not what each poll writes (the poller updates those in bulk).
    history = HistoricalRecords(excluded_fields=[
        "latest_snapshot", "last_good_at", "data_since", "coverage_checked_at", "updated_at"])
    objects = SLOQuerySet.as_manager()

    class Meta:
        verbose_name = "SLO"
        ordering = ["service__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0) & Q(target__lt=100),
                                   name="slos_slo_target_range"),
            models.UniqueConstraint(fields=["service", "name"], name="slos_slo_unique_name"),
            models.CheckConstraint(
                condition=Q(fast_burn_rate__isnull=True) | Q(fast_burn_rate__gt=0),
                name="slos_slo_fast_burn_positive",
            ),
            models.CheckConstraint(
                condition=Q(slow_burn_rate__isnull=True) | Q(slow_burn_rate__gt=0),
                name="slos_slo_slow_burn_positive",
            ),
            models.CheckConstraint(
                condition=Q(ticket_burn_rate__isnull=True) | Q(ticket_burn_rate__gt=0),
                name="slos_slo_ticket_burn_positive",
            ),
            models.CheckConstraint(
                condition=Q(fast_ticket_burn_rate__isnull=True) | Q(fast_ticket_burn_rate__gt=0),
                name="slos_slo_fast_ticket_burn_positive",
            ),
        ]

    def __str__(self):
        return f"{self.service} · {self.name}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("slos:detail", args=[self.pk])

    # --- validation -------------------------------------------------------------------

    def clean(self):
        errors = {}
        if self.target is not None:
            try:
                budget.validate_target(self.target)
            except budget.TargetError:
                errors["target"] = (
                    "A target below 100% is required: 100% leaves no error budget (every "
                    "failure would break it, and each extra nine costs exponentially more)."
                    if self.target >= 100 else "The target must be above 0%."
                )
        for field in ("good_query", "total_query"):
            expression = getattr(self, field) or ""
            if self.window in self.ROLLING_WINDOWS and expression:
                expression = promql.placeholder_from_literal(expression, self.window)
                setattr(self, field, expression)
            parse_error = promql.error_in(expression) if expression else ""
            if parse_error:
                errors[field] = parse_error[0].upper() + parse_error[1:] + "."
            elif expression and promql.WINDOW_PLACEHOLDER not in expression:
                errors[field] = (
                    "Write the range as [$window]: a calendar SLO reads it over the period so "
                    "far (computed at each poll) as well as over 5m, 1h, 6h…"
                    if self.is_calendar else
                    "Write the range as [$window] (or as the SLO window, e.g. [28d]) so the "
                    "poller can read it over 5m, 1h, 6h… as well as over the whole window."
                )
        if self.is_calendar and self.target is not None and "target" not in errors \
                and budget.allowed_downtime_seconds(self.target, self.window_days) < 60:
            errors["target"] = (
                f"A {self.target}% target leaves under a minute of errors a "
                f"{'month' if self.window == self.Window.MONTHLY else 'week'}: a single failed "
                "scrape would spend the whole budget. Choose a lower target.")
        if self.kind == self.Kind.LATENCY and self.good_query and "le=" not in self.good_query \
                and "le=~" not in self.good_query:
            errors.setdefault(
                "good_query",
                'A latency SLI counts the requests in one histogram bucket: select it with '
                'le="<threshold>", e.g. http_request_duration_seconds_bucket{le="0.5"}.',
            )
        label_errors = alerting.label_errors(self.alert_labels)
        if label_errors:
            errors["alert_labels"] = label_errors
        for field in ("fast_severity", "slow_severity", "fast_ticket_severity", "ticket_severity",
                      "exhausted_severity", "no_data_severity"):
            if not re.fullmatch(r"[a-z][a-z0-9_]*", getattr(self, field) or ""):
                errors[field] = "Use a lower-case word, e.g. critical, warning or ticket."
        if errors:
            raise ValidationError(errors)

    def _unique_slug(self):
        name = slugify(self.name)
        base = (name if name.startswith(self.service.slug)
                else slugify(f"{self.service.slug}-{self.name}"))[:140] or "slo"
        slug, n = base, 2
        while SLO.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def query(self, which, window):
        expression = self.good_query if which == "good" else self.total_query
        return promql.with_window(promql.normalise_le(expression), window)

    def error_ratio_query(self, window):
        """1 - good/total over a window, good and total read at the same time."""
        return f"1 - (({self.query('good', window)}) / ({self.query('total', window)}))"

    @property
    def revision(self):
        """Changes whenever what the recorded series mean changes; recorded figures of an
        older revision are ignored by the poller."""
        text = "\n".join([self.good_query, self.total_query, self.window])
        return hashlib.sha1(text.encode()).hexdigest()[:12]

    def remeasure_impacts(self):
        """What the SLO counts changed: every incident's share is measured again (those in
        the trash too, so a restored one is right)."""
        IncidentImpact._base_manager.filter(slo=self).update(status="pending")

    def downtime_table(self):
        return budget.downtime_table(self.target, self.window_days)

    @property
    def data_source_retention(self):
        """How long the data source keeps data, in seconds (None: unknown)."""
        return self.data_source.retention_seconds


def for_panel(pk):
    """SLO.objects.for_panels().get(pk=pk), or None when there is none: the SLO page's read,
    its query compiled once per process (compiling it was ~0.4 of its ~0.55 ms of CPU)."""
    statement, make = for_panel_statement(pk)
    (rows,) = run(statement)
    return make(rows[0]) if rows else None


def for_panel_statement(pk):
    """for_panel's statement (to run beside others) and what makes its row the SLO."""
    statement, make = _panel_statement(connection.vendor)
    return statement.given(pk=pk), make


@functools.lru_cache(maxsize=2)
def _panel_statement(vendor):
    return model_statement(
        SLO.objects.for_panels().filter(pk=Given("pk", IntegerField())).order_by())


class ListedSLO(WindowMixin, FiguresMixin):
    """An SLO as a list shows it (the dashboard's rows, /api/slos/): the same figures
    (FiguresMixin), its name, slug, service and window, read as values (SLOQuerySet.for_lists),
    not as four model objects a row (the SLO, its service, data source and latest snapshot),
    which cost more than computing and showing the rest of the row."""

    WINDOW_LABELS = dict(SLO.Window.choices)
    FIELDS = ("id", "name", "slug", "target", "window", "last_good_at", "data_since",
              "fast_burn_rate", "slow_burn_rate", "fast_ticket_burn_rate", "ticket_burn_rate",
              "fast_severity", "slow_severity", "fast_ticket_severity", "ticket_severity")
    RELATED = {"service_name": F("service__name"), "service_slug": F("service__slug"),
               "data_source_retention": F("data_source__retention_seconds"),
               **{f"snapshot_{field}": F(f"latest_snapshot__{field}") for field in POLL_FIELDS}}

    def __init__(self, values, latest_snapshot):
        self.__dict__.update(values)
        self.pk = self.id
        self.latest_snapshot = latest_snapshot
        self.incident_shares = []

    def get_window_display(self):
        """As the model's: the window's label, else the value as it is."""
        return self.WINDOW_LABELS.get(self.window, self.window)

    SHARE_FIELDS = ("slo_id", "incident_id", "incident__title", "status", "budget_consumed",
                    "bad_events")

    @classmethod
    def of(cls, rows, incident_shares=False):
        """The rows of for_lists() as ListedSLOs; with ``incident_shares``, each SLO's
        incidents and the budget share each spent, in one more query."""
        listed = cls._listed(rows)
        if incident_shares and listed:
            cls._add_shares(listed, IncidentImpact.objects.filter(
                slo__in=[slo.pk for slo in listed]).values(*cls.SHARE_FIELDS))
        return listed

    @classmethod
    def page_statements(cls, number, size, incident_shares=True):
        """How many SLOs there are, page ``number`` of ``size`` of for_lists() and, with
        ``incident_shares``, the incident shares of that page's SLOs, as statements to run
        together (one round trip; page_of reads their rows); compiled once per process and
        page."""
        return _page_statements(connection.vendor, number, size, incident_shares)

    @classmethod
    def page_of(cls, results):
        """(count, ListedSLOs, with their incident shares when asked) from page_statements'
        rows."""
        ((count,),), rows, *shares = results
        listed = cls._listed(rows)
        if shares:
            cls._add_shares(listed, shares[0])
        return count, listed

    @classmethod
    def _listed(cls, rows):
        from slos.models.snapshots import LatestPoll

        listed = []
        for row in rows:
            poll = {field: row.pop(f"snapshot_{field}") for field in POLL_FIELDS}
            listed.append(cls(row, None if poll["status"] is None else LatestPoll(**poll)))
        return listed

    @staticmethod
    def _add_shares(listed, shares):
        by_pk = {slo.pk: slo for slo in listed}
        for share in shares:
            by_pk[share["slo_id"]].incident_shares.append({
                "incident": share["incident_id"], "title": share["incident__title"],
                "status": share["status"], "budget_consumed": share["budget_consumed"],
                "bad_events": share["bad_events"]})


@functools.lru_cache(maxsize=256)
def _page_statements(vendor, number, size, incident_shares):
    start = (number - 1) * size
    page = SLO.objects.order_by(*SLO._meta.ordering)[start:start + size]
    statements = (Statement(*count_each_sql(slos=SLO.objects.all())),
                  Statement.of(page.for_lists(), dict))
    if not incident_shares:
        return statements
    return (*statements, Statement.of(IncidentImpact.objects.filter(slo__in=page.values("pk"))
                                      .values(*ListedSLO.SHARE_FIELDS), dict))
