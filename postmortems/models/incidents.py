"""Incidents: what happened, when (aware UTC), how bad, and whether it needs a postmortem."""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from postmortems.models.documents import Postmortem
from postmortems.models.incident_queries import (
    LISTED_COLUMNS,
    OUTAGE_THRESHOLD,
    POSTMORTEM_RULE_COLUMNS,
    IncidentQuerySet,
    postmortem_rules,
)
from postmortems.models.trash import HidesTrashed, TrashableIncident

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


@dataclass(frozen=True, slots=True)
class ListedIncident:
    """A row of the incident list: what it shows of an incident, read as values (25 a page,
    not model objects with their owner, postmortem and services: Incident.objects.listed,
    a row of which is ListedIncident(*row))."""

    COLUMNS = LISTED_COLUMNS

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
