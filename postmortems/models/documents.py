"""The postmortem document: template, review state, impact, timeline (the 5 whys and the
factors are in analysis)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from postmortems.models.actions import ActionItem
from postmortems.models.analysis import Why
from postmortems.models.recurring import queue_similar_incidents
from postmortems.models.trash import HidesTrashed


class PublishBlocked(Exception):
    """Publishing was refused; ``items`` are the orphaned action items that block it."""

    def __init__(self, items):
        self.items = list(items)
        listed = "; ".join(
            f"“{item.text}” ({item.orphan_reason})" for item in self.items
        )
        super().__init__(
            f"This postmortem cannot be published while {len(self.items)} action "
            f"item{'s are' if len(self.items) != 1 else ' is'} orphaned: {listed}."
        )


class Postmortem(models.Model):
    class Template(models.TextChoices):
        STANDARD = "standard", "Standard"
        QUICK = "quick", "Quick (minor incidents)"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    incident = models.OneToOneField(
        "postmortems.Incident", on_delete=models.CASCADE, related_name="postmortem"
    )
    template = models.CharField(max_length=20, choices=Template, default=Template.STANDARD)
    state = models.CharField(max_length=20, choices=State, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="authored_postmortems",
    )

    # Standard template.
    executive_summary = models.TextField(blank=True, help_text="Markdown.")
    customers_affected = models.PositiveIntegerField(null=True, blank=True)
    impact_minutes = models.PositiveIntegerField(
        "impact duration (minutes)", null=True, blank=True,
        help_text="How long customers were affected.",
    )
    revenue_impact = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        help_text="Estimated revenue lost, in the currency below.",
    )
    revenue_currency = models.CharField(
        max_length=3, blank=True, default="USD", help_text="ISO 4217 code, e.g. USD, EUR."
    )
    support_tickets = models.PositiveIntegerField(null=True, blank=True)
    impact_notes = models.TextField(blank=True, help_text="Markdown.")

    # Quick template (kept, and shown, when switched to standard: nothing is lost).
    what_happened = models.TextField(blank=True, help_text="One sentence. Markdown.")
    trigger = models.TextField(blank=True, help_text="What set it off. Markdown.")
    detection = models.TextField(blank=True, help_text="How we found out. Markdown.")
    resolution = models.TextField(blank=True, help_text="How it was resolved. Markdown.")
    root_cause_sentence = models.TextField(
        "root cause", blank=True, help_text="One sentence. Markdown."
    )
    immediate_fix = models.TextField(blank=True, help_text="Markdown.")
    long_term_fix_ticket = models.CharField(
        "long-term fix ticket", max_length=200, blank=True,
        help_text="A ticket key like OPS-123, or a URL.",
    )

    imported_notes = models.TextField(
        blank=True, help_text="Markdown. What an imported document had that no section above "
        "holds, kept as written.",
    )

    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "incident__"
    objects = HidesTrashed()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="postmortems_postmortem_published_has_time",
            ),
        ]
        # Which incidents have a published postmortem (needing_postmortem), read from the
        # index alone.
        indexes = [models.Index(fields=["incident"], condition=Q(state="published"),
                                name="postmortems_pm_published")]

    def __str__(self):
        return f"Postmortem of {self.incident}"

    def save(self, *args, **kwargs):
        """A changed root-cause sentence (the quick template's cause) changes the stored
        similar incidents too (models/recurring.py)."""
        super().save(*args, **kwargs)
        if ("root_cause_sentence" in self.__dict__
                and self.root_cause_sentence != getattr(self, "_saved_root_cause", "")):
            self._saved_root_cause = self.root_cause_sentence
            queue_similar_incidents(self.pk)

    def get_absolute_url(self):
        return reverse("postmortems:postmortem_edit", args=[self.incident_id])

    @classmethod
    def from_db(cls, db, field_names, values):
        postmortem = super().from_db(db, field_names, values)
        postmortem._saved_root_cause = postmortem.__dict__.get("root_cause_sentence")
        return postmortem

    def clean(self):
        if self.revenue_impact is not None and not (
            len(self.revenue_currency) == 3 and self.revenue_currency.isalpha()
            and self.revenue_currency.isupper()
        ):
            raise ValidationError(
                {"revenue_currency": "Give a three-letter currency code such as USD or EUR."}
            )

    def timeline_rows(self, entries=None):
        """The timeline as shown and exported: the entries (its ``entries`` when a page has
        read them already) and the incident's key times (read from the incident, never
        copied), in time order, a key time first at equal times."""
        rows = [*(self.timeline.all() if entries is None else entries),
                *self.incident.key_times()]
        return sorted(rows, key=lambda row: (row.at, not row.is_key_time))

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def root_cause(self):
        """The why marked as root cause (or the quick template's sentence)."""
        for why in self.whys.all():
            if why.is_root_cause:
                return why.answer
        return self.root_cause_sentence

    @transaction.atomic
    def switch_to_standard(self):
        """Quick → standard without losing anything: the quick fields stay on the document
        (and are shown); the one-sentence answers seed the empty standard sections."""
        if self.template == self.Template.STANDARD:
            return
        self.template = self.Template.STANDARD
        if not self.executive_summary.strip() and self.what_happened.strip():
            self.executive_summary = self.what_happened
        if self.root_cause_sentence.strip() and not self.whys.exists():
            Why.objects.append(Why(
                postmortem=self, question="Why did this happen?",
                answer=self.root_cause_sentence, is_root_cause=True,
            ))
        self.save()

    def submit_for_review(self):
        if self.state == self.State.DRAFT:
            self.state = self.State.IN_REVIEW
            self.save(update_fields=["state", "updated_at"])

    def return_to_draft(self):
        self.state = self.State.DRAFT
        self.published_at = None
        self.save(update_fields=["state", "published_at", "updated_at"])

    def publish(self):
        """Publish, unless action items are orphaned: raises PublishBlocked listing them."""
        orphans = list(ActionItem.objects.filter(incident_id=self.incident_id).orphaned())
        if orphans:
            raise PublishBlocked(orphans)
        self.state = self.State.PUBLISHED
        self.published_at = timezone.now()
        self.save(update_fields=["state", "published_at", "updated_at"])


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        TRIGGER = "trigger", "Trigger"
        ALERT = "alert", "Alert fired"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ESCALATED = "escalated", "Escalated"
        ROOT_CAUSE = "root_cause", "Root cause identified"
        FIX_DEPLOYED = "fix_deployed", "Fix deployed"
        MITIGATED = "mitigated", "Mitigated"
        RECOVERED = "recovered", "Recovered"
        NOTE = "note", "Note"

    is_key_time = False  # see Incident.key_times: those rows are not stored here

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField("time (UTC)", help_text="UTC, to the second.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NOTE)
    text = models.TextField(help_text="Markdown.")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "postmortem__incident__"
    objects = HidesTrashed()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["postmortem", "at"], name="postmortems_timeline_at"),
                   # Every timeline in time order (/api/v1/timeline-entries/): a page read
                   # from here, not a sort of every entry.
                   models.Index(fields=["at", "id"], name="postmortems_timeline_order")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC {self.get_kind_display()}"

    def clean(self):
        if self.at is not None and self.at.microsecond:
            raise ValidationError({"at": "Times are kept to the second: drop the fraction."})


@dataclass(frozen=True, slots=True)
class ShownEntry:
    """A timeline entry as its row shows it (partials/timeline_row.html), read as values
    (ShownEntry.COLUMNS): the editor's timeline, where making 100 model instances took
    ~0.4 ms of each load. Looks like a TimelineEntry to the timeline's templates."""

    COLUMNS = ("pk", "at", "kind", "text")

    pk: int
    at: datetime
    kind: str
    text: str

    is_key_time = False

    def get_kind_display(self):
        return KIND_LABELS.get(self.kind, self.kind)


KIND_LABELS = dict(TimelineEntry.Kind.choices)
