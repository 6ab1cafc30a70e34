"""Service level objectives: what is measured (two PromQL expressions), the target and the
window, the alert settings, and the figures of the latest poll."""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from slos import alerting, budget, coverage, periods, promql
from slos.models.impacts import IncidentImpact
from slos.models.windows import WindowMixin

# What the panel's badges call each burn-rate alert (Sloth's four: two pages, two tickets).
ALERT_LABELS = {"fast_burn": "fast page", "slow_burn": "slow page",
                "fast_ticket": "fast ticket", "ticket": "slow ticket"}


class SLOQuerySet(models.QuerySet):
    def for_panels(self):
        """An SLO with what its panel and its figures read, in one query."""
        return self.select_related("service", "data_source", "latest_snapshot")

    # What a list of SLOs reads (the dashboard's rows, the API's list): the figures' inputs, the
    # name, slug, service and window; not the columns only an SLO's own page shows (its
    # queries, description, alert labels and settings), which made a page of 50 or 100 rows
    # convert and set ~30 more values a row. A column read but not listed here costs a query
    # per row: the lists' query-count tests say so.
    LIST_COLUMNS = (
        "name", "slug", "target", "window", "last_good_at", "data_since",
        "fast_burn_rate", "slow_burn_rate", "fast_ticket_burn_rate", "ticket_burn_rate",
        "fast_severity", "slow_severity", "fast_ticket_severity", "ticket_severity",
        "service__name", "service__slug", "data_source__retention_seconds",
        "latest_snapshot__taken_at", "latest_snapshot__status", "latest_snapshot__fault",
        "latest_snapshot__error", "latest_snapshot__sli", "latest_snapshot__budget_remaining",
        "latest_snapshot__error_ratios",
    )

    def for_lists(self):
        """SLOs with the figures' inputs and what a row shows, in one query."""
        return self.for_panels().only(*self.LIST_COLUMNS)

    def with_incident_shares(self):
        """Each SLO's incidents and the budget share each spent (``incident_shares``, a list),
        in one more query."""
        return self.prefetch_related(models.Prefetch(
            "incident_impacts", queryset=IncidentImpact.objects.select_related("incident"),
            to_attr="incident_shares"))

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


class SLO(WindowMixin, models.Model):
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

    # --- figures ------------------------------------------------------------------------

    @property
    def budget(self):
        return budget.error_budget(self.target)

    def burn_factors(self):
        """{"fast_burn": 13.44, ...}: the SLO's own factors, else derived from budget shares."""
        derived = budget.alert_factors(self.window_days)
        own = {"fast_burn": self.fast_burn_rate, "slow_burn": self.slow_burn_rate,
               "fast_ticket": self.fast_ticket_burn_rate, "ticket": self.ticket_burn_rate}
        return {name: own[name] or derived[name] for name in derived}

    def alert_rows(self):
        """The multi-window alerts: name, long and short windows, factor, severity."""
        factors = self.burn_factors()
        severities = {"fast_burn": self.fast_severity, "slow_burn": self.slow_severity,
                      "fast_ticket": self.fast_ticket_severity, "ticket": self.ticket_severity}
        return [
            {"name": name, "label": ALERT_LABELS[name], "long_window": long, "short_window": short,
             "burn_rate": factors[name], "severity": severities[name],
             "error_ratio_threshold": factors[name] * self.budget}
            for name, long, short, _share in budget.ALERT_SHARES
        ]

    def alert_states(self, burn_rates):
        """{"fast_burn": True, ...}: would the generated alert fire on these burn rates (its
        long and short windows both above the factor)? None without figures."""
        return {
            row["name"]: None if burn_rates.get(row["long_window"]) is None
            or burn_rates.get(row["short_window"]) is None
            else (burn_rates[row["long_window"]] > row["burn_rate"]
                  and burn_rates[row["short_window"]] > row["burn_rate"])
            for row in self.alert_rows()
        }

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

    # --- the latest poll ------------------------------------------------------------------

    def is_stale(self, now=None):
        """No good poll within three poll intervals (or the last poll failed)."""
        now = now or timezone.now()
        snapshot = self.latest_snapshot
        if snapshot is None or snapshot.status != snapshot.Status.OK or self.last_good_at is None:
            return True
        return now - self.last_good_at > timedelta(seconds=3 * settings.SLO_POLL_INTERVAL)

    def figures(self, now=None):
        """Everything the panels and the API show, from the latest snapshot and the maths."""
        now = now or timezone.now()
        snapshot = self.latest_snapshot
        ok = snapshot is not None and snapshot.status == snapshot.Status.OK
        ratios = snapshot.error_ratios if ok else {}
        remaining = snapshot.budget_remaining if ok else None
        if remaining is not None and abs(remaining) < 1e-9:
            remaining = 0.0  # exactly at target: float noise is not an overspent budget
        target_budget = self.budget
        burn_rates = {w: budget.burn_rate(ratios.get(w), target_budget)
                      for w in budget.BURN_WINDOWS}
        period = self.period(now)
        if period:
            exhaustion = budget.period_time_to_exhaustion(
                remaining, burn_rates.get("1h"), period.elapsed_seconds(now),
                (period.end - now).total_seconds())
        else:
            exhaustion = budget.time_to_exhaustion(remaining, burn_rates.get("1h"),
                                                   self.window_seconds)
        state = budget.policy_state(remaining)
        sli = snapshot.sli if ok else None
        return {
            "sli": sli,
            "met": None if sli is None else sli * 100 >= float(self.target),
            "budget_remaining": remaining,
            "burn_rates": burn_rates,
            "time_to_exhaustion_seconds": exhaustion,
            "policy": state,
            "policy_words": budget.POLICY_WORDS[state],
            "risky_changes_allowed": budget.risky_changes_allowed(state),
            "last_polled_at": snapshot.taken_at if snapshot else None,
            "last_good_at": self.last_good_at,
            "stale": self.is_stale(now),
            "status": snapshot.status if snapshot else "never_polled",
            "status_label": snapshot.status_label if snapshot else "never polled",
            "fault": snapshot.fault if snapshot else "",
            "error": snapshot.error if snapshot else "",
            "error_ratios": dict(ratios),
            "alert_states": self.alert_states(burn_rates),
            "coverage": coverage.figures(self.measured_seconds(now), self.data_since,
                                         self.data_source.retention_seconds, now,
                                         period_seconds=period.seconds if period else None),
            "window_kind": self.window_kind,
            "period": None if period is None else {
                "kind": period.kind, "key": period.key, "name": period.name,
                "start": period.start,
                "end": period.end, "day": period.day(now), "days": period.days,
                "label": period.label(now)},
        }

    def gate(self, now=None, figures=None):
        """May risky changes ship? The error-budget policy's answer, with the reason (from
        ``figures`` when the caller has them at ``now``)."""
        figures = figures or self.figures(now)
        if figures["stale"] or figures["budget_remaining"] is None:
            allowed = False
            reason = (f"{self.name}: no current figure (status {figures['status']}); "
                      "without data the budget cannot vouch for a risky change.")
        else:
            allowed = figures["risky_changes_allowed"]
            reason = (f"{self.name}: {figures['budget_remaining'] * 100:.1f}% of the error "
                      f"budget left. {figures['policy_words']}")
        return {"slo": self.pk, "name": self.name, "allowed": allowed,
                "policy": figures["policy"], "budget_remaining": figures["budget_remaining"],
                "reason": reason}
