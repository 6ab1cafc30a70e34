"""Incidents: what happened, when (aware UTC), how bad, and whether it needs a postmortem."""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from postmortems.models.actions import ActionItem, ActionItemQuerySet
from postmortems.models.analysis import Why
from postmortems.models.catalogue import Service
from postmortems.models.documents import Postmortem
from postmortems.models.intake import AlertGroup
from postmortems.models.trash import HidesTrashed, TrashableIncident

# What the search matches (PostgreSQL full text): the stored documents of incidents (title
# weighted above summary) and of whys (question and answer), generated columns with GIN
# indexes (migration 0022), so a match neither recomputes to_tsvector nor reads every row.
SEARCH_INCIDENTS = ("SELECT id FROM postmortems_incident "
                    "WHERE search_document @@ websearch_to_tsquery('english', %s)")
SEARCH_WHYS = ("SELECT postmortem.incident_id FROM postmortems_why why "
               "JOIN postmortems_postmortem postmortem ON postmortem.id = why.postmortem_id "
               "WHERE why.search_document @@ websearch_to_tsquery('english', %s)")


# A customer-facing outage longer than this needs a postmortem.
OUTAGE_THRESHOLD = timedelta(minutes=15)
# What postmortem_rules reads of an incident (the outage: its start and end).
POSTMORTEM_RULE_COLUMNS = ["severity", "customer_facing", "started_at", "mitigated_at",
                           "resolved_at", "data_loss", "security", "near_miss",
                           "could_have_been_severe", "novel_failure_mode"]

# The key times in the order they must happen; each must not precede the ones before it.
KEY_TIMES = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
KEY_TIME_LABELS = {
    "started_at": "started",
    "detected_at": "detected",
    "acknowledged_at": "acknowledged",
    "mitigated_at": "mitigated",
    "resolved_at": "resolved",
}

# Each key time shown on the timeline: (kind, label). The time itself stays on the incident:
# the timeline reads it from there, so the two never disagree.
KEY_TIME_KINDS = {
    "started_at": ("started", "Started"),
    "detected_at": ("detected", "Detected"),
    "acknowledged_at": ("acknowledged", "Acknowledged"),
    "mitigated_at": ("mitigated", "Mitigated"),
    "resolved_at": ("resolved", "Resolved"),
}


@dataclass(frozen=True)
class KeyTime:
    """One of the incident's key times as a timeline row (not stored: read from the
    incident). Looks like a TimelineEntry to templates and the export."""

    name: str  # the Incident field, e.g. "detected_at"
    at: datetime

    is_key_time = True
    pk = None

    @property
    def kind(self):
        return KEY_TIME_KINDS[self.name][0]

    def get_kind_display(self):
        return KEY_TIME_KINDS[self.name][1]

    @property
    def text(self):
        return f"Incident {KEY_TIME_LABELS[self.name]} (the incident's key time)"

    @property
    def input_value(self):
        """The time as typed in a UTC input: YYYY-MM-DD HH:MM, seconds when not zero."""
        at = self.at.astimezone(UTC)
        return at.strftime("%Y-%m-%d %H:%M:%S" if at.second else "%Y-%m-%d %H:%M")


def _utc_midnight(day):
    return datetime.combine(day, time.min, tzinfo=UTC)


def postmortem_rules(customer_facing_outage):
    """The rules that require a postmortem (Incident.postmortem_required_reasons), as a Q, the
    customer-facing one given: an outage longer than OUTAGE_THRESHOLD for the queries, any
    customer-facing incident for the partial index of the incidents the rules may require
    (an index cannot hold the clock an ongoing outage is measured by). The triggers keeping
    the count of postmortems due (PostmortemDueTally, migration 0024) have them written out
    in SQL: a change here needs a migration writing those again (a test compares the two on
    every combination of the rules' columns)."""
    return (
        Q(severity__lte=2)  # Incident.Severity.SEV2 (not defined yet where the index needs it)
        | customer_facing_outage
        | Q(data_loss=True)
        | Q(security=True)
        | Q(near_miss=True, could_have_been_severe=True)
        | Q(novel_failure_mode=True)
    )


class ServiceNames(Subquery):
    """The names of the (outer) incident's services, sorted, as a list, read in the incident's
    own query: ARRAY(...) on PostgreSQL; a JSON array on SQLite (the demo)."""

    template = "ARRAY(%(subquery)s)"
    output_field = models.JSONField()  # only its converters: none on PostgreSQL (a list)

    def __init__(self):
        super().__init__(Service.objects.filter(incidents=OuterRef("pk"))
                         .order_by("name").values("name"))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, **extra_context,
                           template="(SELECT json_group_array(name) FROM (%(subquery)s))")

    def get_db_converters(self, connection):
        return [] if connection.vendor == "postgresql" else super().get_db_converters(connection)


@dataclass(frozen=True, slots=True)
class ListedIncident:
    """A row of the incident list: what it shows of an incident, read as values (25 a page,
    not model objects with their owner, postmortem and services: Incident.objects.listed,
    a row of which is ListedIncident(*row))."""

    COLUMNS = ("pk", "title", "severity", "status", "started_at", "owner__username",
               "postmortem__state", "has_orphans", "service_names")

    pk: int
    title: str
    severity: int
    status: str
    started_at: datetime
    owner_username: str | None  # None: no owner
    postmortem_state: str | None  # None: no postmortem
    has_orphans: bool
    service_names: list

    # The labels as the model's get_FOO_display gives them (the value itself if unknown).
    def get_severity_display(self):
        return _labels(Incident.Severity).get(self.severity, self.severity)

    def get_status_display(self):
        return _labels(Incident.Status).get(self.status, self.status)

    def get_postmortem_state_display(self):
        return _labels(Postmortem.State).get(self.postmortem_state, self.postmortem_state)


@functools.cache
def _labels(choices):
    """{value: label} of a choices class, made once (its .choices is built on every read)."""
    return dict(choices.choices)


class IncidentQuerySet(models.QuerySet):
    def in_trash(self):
        """Incidents moved to the trash (read through Incident.all_objects)."""
        return self.filter(deleted_at__isnull=False)

    def open(self):
        return self.exclude(status=Incident.Status.RESOLVED)

    def _outage_end(self):
        return Coalesce("mitigated_at", "resolved_at", Now())

    def requiring_postmortem(self):
        """Incidents the rules say need a postmortem (see Incident.postmortem_required_reasons)."""
        # The outage on the row itself, not "pk in (incidents with a long outage)": a
        # subquery over every incident read once more (the dashboard's count 12 -> 5 ms).
        return self.alias(outage_end=self._outage_end()).filter(postmortem_rules(
            Q(customer_facing=True, outage_end__gt=models.F("started_at") + OUTAGE_THRESHOLD)))

    def needing_postmortem(self):
        """Required by the rules, and the postmortem is missing or not published yet."""
        # Through the base manager: the incident is the one asked about, in the trash or not,
        # so its postmortem needs no trash rule of its own (one subquery fewer to plan).
        published = Postmortem._base_manager.filter(
            incident=OuterRef("pk"), state=Postmortem.State.PUBLISHED
        )
        return self.requiring_postmortem().filter(~Exists(published))

    def due_by_the_clock(self):
        """needing_postmortem's incidents that only the clock makes due: customer-facing
        outages neither mitigated nor resolved that have lasted OUTAGE_THRESHOLD, no other
        rule requiring them (the rest are counted by PostmortemDueTally)."""
        published = Postmortem._base_manager.filter(
            incident=OuterRef("pk"), state=Postmortem.State.PUBLISHED
        )
        return (self.filter(customer_facing=True, mitigated_at__isnull=True,
                            resolved_at__isnull=True)
                .exclude(postmortem_rules(Q()))
                .alias(outage_end=Now())
                .filter(outage_end__gt=models.F("started_at") + OUTAGE_THRESHOLD)
                .filter(~Exists(published)))

    def started_between(self, first_day=None, last_day=None):
        """Started on these UTC days, both included (either may be None), as a range of
        started_at, which its index answers (a cast to a date reads every row)."""
        incidents = self
        if first_day is not None:
            incidents = incidents.filter(started_at__gte=_utc_midnight(first_day))
        if last_day is not None:
            incidents = incidents.filter(
                started_at__lt=_utc_midnight(last_day + timedelta(days=1)))
        return incidents

    def mean_times(self, since=None):
        """MTTD and MTTR (start → detected, start → resolved) over these incidents, or those
        started since ``since``, as {"incidents", "mttd", "mttr"}: one query."""
        return self.mean_times_row(since).get()

    def mean_times_row(self, since=None):
        """mean_times as a queryset of its one row (to be run beside other statements): the
        aggregates over a constant, which Django leaves out of GROUP BY, so the query has none
        and always gives one row, as aggregate() does."""
        incidents = self if since is None else self.filter(started_at__gte=since)
        return incidents.order_by().annotate(every_one=Value(1)).values("every_one").annotate(
            incidents=models.Count("pk"),
            mttd=models.Avg(models.ExpressionWrapper(
                models.F("detected_at") - models.F("started_at"),
                output_field=models.DurationField())),
            mttr=models.Avg(models.ExpressionWrapper(
                models.F("resolved_at") - models.F("started_at"),
                output_field=models.DurationField()), filter=Q(resolved_at__isnull=False)),
        ).values("incidents", "mttd", "mttr")

    def listed(self):
        """The incident list's columns of each incident (ListedIncident.COLUMNS), as values:
        those shown, ``has_orphans`` (an open action item is orphaned) and the names of its
        services, in one query. The list reads one page's rows in two steps inside that
        query: ``.filter(pk__in=<the page's queryset>.values("pk"))`` gives the page's ids
        through the sort's index, then just these are read. Asked of a page's ids, the orphan
        check is 25 index lookups, not a pass over every open item (6 ms at 50,000 items)."""
        # The base manager: these incidents are not in the trash, so neither are their items
        # (the trash rule's subquery would be built and run for nothing).
        orphans = ActionItem._base_manager.filter(ActionItemQuerySet.orphan_condition_unjoined(),
                                                  incident=OuterRef("pk"))
        return (self.with_service_names().annotate(has_orphans=Exists(orphans))
                .values_list(*ListedIncident.COLUMNS))

    def with_service_names(self):
        """Each incident with the names of its services, sorted (``service_names``), read in
        its own query (no query of the services of their own, no Service objects)."""
        return self.annotate(service_names=ServiceNames())

    def for_its_page(self):
        """Each incident as its page shows it, in one query: with its owner, its postmortem,
        the names of its services and ``has_alert_groups`` (was it opened from alerts? Most
        were not: their page then reads no alert groups)."""
        # The base manager: the incident is outside the trash (the default manager's rule
        # applies to it), so are its alert groups.
        alert_groups = AlertGroup._base_manager.filter(incident=OuterRef("pk"))
        return (self.select_related("owner", "postmortem").with_service_names()
                .annotate(has_alert_groups=Exists(alert_groups)))

    def search(self, text):
        """Full-text search over titles, summaries and the 5 whys (PostgreSQL); a plain
        substring match elsewhere."""
        text = (text or "").strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            # The trash needs no rule here: these incidents are filtered by it already.
            return self.filter(Q(pk__in=RawSQL(SEARCH_INCIDENTS, [text]))
                               | Q(pk__in=RawSQL(SEARCH_WHYS, [text])))
        whys = Why.objects.filter(
            Q(question__icontains=text) | Q(answer__icontains=text)
        ).values("postmortem__incident_id")
        return self.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(pk__in=whys)
        )


class Incident(TrashableIncident, models.Model):
    class Severity(models.IntegerChoices):
        SEV1 = 1, "SEV1 – critical"  # noqa: RUF001
        SEV2 = 2, "SEV2 – major"  # noqa: RUF001
        SEV3 = 3, "SEV3 – moderate"  # noqa: RUF001
        SEV4 = 4, "SEV4 – minor"  # noqa: RUF001

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATED = "mitigated", "Mitigated"
        RESOLVED = "resolved", "Resolved"

    title = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(choices=Severity, default=Severity.SEV3)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    services = models.ManyToManyField(
        "postmortems.Service", blank=True, related_name="incidents",
        help_text="Services affected",
    )
    customer_facing = models.BooleanField(default=False, help_text="Customers noticed it.")
    data_loss = models.BooleanField(default=False, help_text="Data was lost or corrupted.")
    security = models.BooleanField(default=False, help_text="A security incident.")
    near_miss = models.BooleanField(default=False, help_text="Caught before it did harm.")
    could_have_been_severe = models.BooleanField(
        default=False, help_text="A near miss that could have been a SEV1/SEV2."
    )
    novel_failure_mode = models.BooleanField(
        default=False, help_text="We had not seen this way of failing before."
    )
    summary = models.TextField(blank=True, help_text="Markdown.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_incidents", help_text="Who drives the follow-up.",
    )

    started_at = models.DateTimeField("started (UTC)")
    detected_at = models.DateTimeField("detected (UTC)", null=True, blank=True)
    acknowledged_at = models.DateTimeField("acknowledged (UTC)", null=True, blank=True)
    mitigated_at = models.DateTimeField("mitigated (UTC)", null=True, blank=True)
    resolved_at = models.DateTimeField("resolved (UTC)", null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # In the trash since (see postmortems.models.trash); by whom.
    deleted_at = models.DateTimeField("moved to the trash at", null=True, blank=True,
                                      editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False, verbose_name="moved to the trash by",
    )

    history = HistoricalRecords(m2m_fields=[services])
    incident_lookup = ""
    objects = HidesTrashed.from_queryset(IncidentQuerySet)()  # the default: not in the trash
    all_objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["-started_at"], name="postmortems_incident_started"),
            models.Index(fields=["-deleted_at"], condition=Q(deleted_at__isnull=False),
                         name="postmortems_incident_trashed"),
            # The open incidents (Incident.objects.open()), newest first: the dashboard's list
            # and count read the few open ones only.
            models.Index(fields=["-started_at", "-id"],
                         condition=Q(deleted_at__isnull=True) & ~Q(status="resolved"),
                         name="postmortems_incident_open"),
            # The incident list filtered by severity: its count from the index alone, its page
            # in the list's order.
            models.Index(fields=["severity", "-started_at", "-id"],
                         condition=Q(deleted_at__isnull=True),
                         name="postmortems_incident_severity"),
            # The incidents the rules may require a postmortem for, with every column the rules
            # read: the dashboard's count of the postmortems due reads this index alone (7,139
            # of 10,000 incidents in the bench) instead of every incident's row.
            models.Index(fields=["id"], include=POSTMORTEM_RULE_COLUMNS,
                         condition=Q(deleted_at__isnull=True)
                         & postmortem_rules(Q(customer_facing=True)),
                         name="postmortems_incident_rules"),
            # The ongoing customer-facing outages (neither mitigated nor resolved): the
            # postmortems due by the clock are read from these few (IncidentQuerySet.
            # due_by_the_clock), the others from PostmortemDueTally.
            models.Index(fields=["started_at"],
                         condition=Q(deleted_at__isnull=True, customer_facing=True,
                                     mitigated_at__isnull=True, resolved_at__isnull=True),
                         name="postmortems_incident_outage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(detected_at__isnull=True) | Q(detected_at__gte=models.F("started_at")),
                name="postmortems_incident_detected_after_start",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("started_at")),
                name="postmortems_incident_resolved_after_start",
            ),
            models.CheckConstraint(
                condition=Q(mitigated_at__isnull=True)
                | Q(mitigated_at__gte=models.F("started_at")),
                name="postmortems_incident_mitigated_after_start",
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1) & Q(severity__lte=4),
                name="postmortems_incident_severity_range",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return reverse("postmortems:incident_detail", args=[self.pk])

    # --- Validation ---------------------------------------------------------------------

    def clean(self):
        """Reject impossible orders of the key times, on the field that is out of order."""
        errors = {}
        for index, name in enumerate(KEY_TIMES):
            value = getattr(self, name)
            if value is None:
                continue
            for earlier in reversed(KEY_TIMES[:index]):
                earlier_value = getattr(self, earlier)
                if earlier_value is not None and value < earlier_value:
                    errors[name] = (
                        f"{KEY_TIME_LABELS[name].capitalize()} cannot be before "
                        f"{KEY_TIME_LABELS[earlier]} "
                        f"({earlier_value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)."
                    )
                    break
        if self.status == self.Status.RESOLVED and self.resolved_at is None:
            errors.setdefault("resolved_at", "A resolved incident needs its resolved time.")
        if self.could_have_been_severe and not self.near_miss:
            errors.setdefault(
                "could_have_been_severe",
                "Only a near miss can be flagged as could-have-been-severe.",
            )
        if errors:
            raise ValidationError(errors)

    def key_times(self):
        """The key times that are set, as timeline rows, in order."""
        return [KeyTime(name, getattr(self, name)) for name in KEY_TIMES
                if getattr(self, name) is not None]

    # --- Derived durations --------------------------------------------------------------

    @staticmethod
    def _between(start, end):
        if start is None or end is None:
            return None
        return end - start

    @property
    def duration(self):
        """From start to resolution (or to mitigation while unresolved)."""
        return self._between(self.started_at, self.resolved_at or self.mitigated_at)

    @property
    def time_to_detect(self):
        return self._between(self.started_at, self.detected_at)

    @property
    def time_to_acknowledge(self):
        return self._between(self.detected_at, self.acknowledged_at)

    @property
    def time_to_mitigate(self):
        return self._between(self.started_at, self.mitigated_at)

    @property
    def time_to_resolve(self):
        return self._between(self.started_at, self.resolved_at)

    @property
    def outage_duration(self):
        """How long customers were affected: until mitigation, or until now while ongoing."""
        if self.started_at is None:
            return None
        end = self.mitigated_at or self.resolved_at or timezone.now()
        return end - self.started_at

    # --- The "postmortem required?" rules -----------------------------------------------

    def postmortem_required_reasons(self):
        """The rules that require a postmortem for this incident, as sentences (empty: none).
        Keep in step with IncidentQuerySet.requiring_postmortem, the same rules in SQL."""
        reasons = []
        if self.severity is not None and self.severity <= self.Severity.SEV2:
            reasons.append(f"Severity is {self.get_severity_display()}.")
        outage = self.outage_duration
        if self.customer_facing and outage is not None and outage > OUTAGE_THRESHOLD:
            reasons.append("Customer-facing outage longer than 15 minutes.")
        if self.data_loss:
            reasons.append("Data loss.")
        if self.security:
            reasons.append("Security incident.")
        if self.near_miss and self.could_have_been_severe:
            reasons.append("Near miss that could have been severe.")
        if self.novel_failure_mode:
            reasons.append("Novel failure mode.")
        return reasons
