"""The postmortem review meeting: a time-boxed agenda walked on a shared screen and its notes
per section; the rest of its record (attendees, dissenting views, decisions, the orphaned
action items accepted during it) is in review_record.

The rule that matters: a meeting cannot be closed while an orphaned action item of the incident
is neither completed nor accepted as orphaned with a reason (Meeting.close raises with the list).
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from postmortems.models.actions import ActionItem
from postmortems.models.documents import Postmortem
from postmortems.models.review_record import Attendee, OrphanAcceptance
from postmortems.models.trash import HidesTrashed
from postmortems.people import display_name


class Agenda:
    """The review agenda: key, title, planned minutes, what the screen says, facilitation tips."""

    OPENING = "opening"
    TIMELINE = "timeline"
    ANALYSIS = "analysis"
    ACTIONS = "actions"
    CLOSING = "closing"

    SECTIONS = [
        {
            "key": OPENING, "title": "Opening", "minutes": 5,
            "lead": "Who is here, and what we review.",
            "tips": [
                "Read the blameless reminder aloud.",
                "Introduce everyone and name a note taker.",
                "State the goal: a shared understanding and owned action items.",
            ],
        },
        {
            "key": TIMELINE, "title": "Timeline walk-through", "minutes": 15,
            "lead": "What happened, when (UTC)?",
            "tips": [
                "Walk the entries in order; ask what each person knew at that moment.",
                "Time-box tangents: park them as notes and move on.",
                "Invite the quiet participants: \u201cwhat did you see from your side?\u201d",
            ],
        },
        {
            "key": ANALYSIS, "title": "Analysis", "minutes": 20,
            "lead": "What conditions allowed this?",
            "tips": [
                "Redirect blame to systems: ask \u201cwhat made this the easy mistake?\u201d",
                "Follow the 5 whys to a cause we can change; note contributing factors.",
                "Record dissenting views instead of forcing agreement.",
            ],
        },
        {
            "key": ACTIONS, "title": "Action items", "minutes": 15,
            "lead": "Every action has an owner, a due date and a ticket.",
            "tips": [
                "Resolve each highlighted orphan: assign it, or accept it with a reason.",
                "Prefer a few actions that prevent recurrence over busywork.",
                "Confirm each owner out loud.",
            ],
        },
        {
            "key": CLOSING, "title": "Closing", "minutes": 5,
            "lead": "What did we learn?",
            "tips": [
                "Summarise the learnings and the decisions taken.",
                "Read back the owners and due dates.",
                "Thank everyone; the summary goes into the postmortem.",
            ],
        },
    ]
    BY_KEY = {section["key"]: section for section in SECTIONS}
    KEYS = [section["key"] for section in SECTIONS]
    CHOICES = [(section["key"], section["title"]) for section in SECTIONS]
    TOTAL_MINUTES = sum(section["minutes"] for section in SECTIONS)


class MeetingCloseBlocked(Exception):
    """Closing was refused; ``items`` are the orphaned action items still unresolved."""

    def __init__(self, items):
        self.items = list(items)
        listed = "; ".join(f"\u201c{item.text}\u201d ({item.orphan_reason})" for item in self.items)
        super().__init__(
            f"The meeting cannot be closed while {len(self.items)} orphaned action "
            f"item{'s are' if len(self.items) != 1 else ' is'} neither completed nor accepted "
            f"as orphaned: {listed}."
        )


class MeetingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Meeting(models.Model):
    postmortem = models.ForeignKey(
        "postmortems.Postmortem", on_delete=models.CASCADE, related_name="meetings"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="facilitated_meetings",
    )
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(
        blank=True, help_text="Markdown, written when the meeting closes."
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "postmortem__incident__"
    objects = HidesTrashed.from_queryset(MeetingQuerySet)()

    class Meta:
        ordering = ["-started_at", "-pk"]
        # The latest meetings first (/api/v1/meetings/, one or more per incident).
        indexes = [models.Index(fields=["-started_at", "-id"], name="postmortems_meeting_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("started_at")),
                name="postmortems_meeting_closed_after_start",
            ),
        ]

    def __str__(self):
        return f"Review meeting {self.started_at:%Y-%m-%d} of {self.postmortem.incident}"

    def get_absolute_url(self):
        return reverse("meetings:run", args=[self.pk])

    @property
    def facilitator_name(self):
        if self.facilitator_id is None:
            return "—"
        return display_name(self.facilitator)

    @property
    def is_closed(self):
        return self.closed_at is not None

    @classmethod
    @transaction.atomic
    def start(cls, postmortem, facilitator):
        """Open a meeting with the agenda's sections and the facilitator as first attendee."""
        meeting = cls.objects.create(postmortem=postmortem, facilitator=facilitator)
        MeetingSection.objects.bulk_create([
            MeetingSection(meeting=meeting, key=section["key"], position=index,
                           planned_minutes=section["minutes"])
            for index, section in enumerate(Agenda.SECTIONS, start=1)
        ])
        if facilitator is not None:
            Attendee.objects.create(meeting=meeting, user=facilitator)
        return meeting

    @classmethod
    @transaction.atomic
    def start_or_join(cls, postmortem, facilitator):
        """The postmortem's meeting in progress, or a new one: one review at a time."""
        Postmortem.objects.select_for_update(of=("self",)).filter(pk=postmortem.pk).first()
        running = cls.objects.open().filter(postmortem=postmortem).first()
        return running or cls.start(postmortem, facilitator)

    # --- Orphans ------------------------------------------------------------------------

    def orphaned_items(self):
        """The incident's orphaned action items, annotated with orphan_reason, and the
        acceptance (if any) recorded in this meeting as ``accepted`` (a list, 0 or 1)."""
        return ActionItem.objects.filter(incident_id=self.postmortem.incident_id).orphaned(
        ).select_related("owner").prefetch_related(
            models.Prefetch(
                "orphan_acceptances",
                queryset=OrphanAcceptance.objects.filter(meeting=self),
                to_attr="accepted",
            )
        )

    def unresolved_orphans(self):
        return self.orphaned_items().exclude(orphan_acceptances__meeting=self)

    def accept_orphan(self, item, reason, user):
        """Accept an orphaned item as such, with the reason (refused without one: a
        ValidationError keyed "reason"). Accepting it again keeps the first acceptance."""
        existing = self.orphan_acceptances.filter(action_item=item).first()
        if existing is not None:
            return existing
        acceptance = OrphanAcceptance(meeting=self, action_item=item, reason=reason.strip(),
                                      accepted_by=user)
        acceptance.full_clean()
        try:
            with transaction.atomic():
                acceptance.save()
        except IntegrityError:  # accepted at the same moment on another screen
            return self.orphan_acceptances.get(action_item=item)
        return acceptance

    # --- Closing ------------------------------------------------------------------------

    def items_touched(self):
        """Action items created or changed during the meeting, from their history."""
        end = self.closed_at or timezone.now()
        changed = ActionItem.history.filter(
            incident_id=self.postmortem.incident_id,
            history_date__gte=self.started_at, history_date__lte=end,
        ).values("id")
        return ActionItem.objects.filter(pk__in=changed).select_related("owner")

    def build_summary(self):
        """The Markdown summary appended to the postmortem when the meeting closes."""
        postmortem = self.postmortem
        return render_to_string("meetings/summary.md", {
            "meeting": self,
            "postmortem": postmortem,
            "sections": list(self.sections.all()),
            "attendees": list(self.attendees.select_related("user")),
            "root_cause": postmortem.root_cause,
            "factors": list(postmortem.factors.all()),
            "items": list(self.items_touched()),
            "confirmed": list(
                postmortem.incident.action_items.not_orphaned().filter(
                    owner__isnull=False).select_related("owner")
            ),
            "acceptances": list(self.orphan_acceptances.select_related("action_item")),
            "decisions": list(self.decisions.all()),
            "dissent": list(self.dissenting_views.select_related("user")),
        }).strip() + "\n"

    def record_timing(self, seconds_by_key):
        """The seconds spent per section ({key: seconds}) as the screen measured them; a
        section's time only grows (a late or repeated report never takes it back)."""
        for key, seconds in seconds_by_key.items():
            if seconds is not None:
                self.sections.filter(key=key, actual_seconds__lt=seconds).update(
                    actual_seconds=seconds)

    @transaction.atomic
    def close(self, user=None):
        """Close the meeting and write its summary, unless orphaned action items are still
        unresolved: then raise MeetingCloseBlocked listing them."""
        locked = Meeting.objects.select_for_update(of=("self",)).get(pk=self.pk)
        if locked.is_closed:
            return
        blocking = list(self.unresolved_orphans())
        if blocking:
            raise MeetingCloseBlocked(blocking)
        self.closed_at = timezone.now()
        self.summary = self.build_summary()
        self.version = locked.version + 1
        self._change_reason = "meeting closed"
        self.save()


class MeetingSection(models.Model):
    """One agenda section of a meeting: planned and actual time, and its notes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20, choices=Agenda.CHOICES)
    position = models.PositiveSmallIntegerField()
    planned_minutes = models.PositiveSmallIntegerField()
    actual_seconds = models.PositiveIntegerField(
        default=0, help_text="Time spent on this section, measured by the meeting screen."
    )
    notes = models.TextField(blank=True, help_text="Markdown.")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"],
                                    name="postmortems_meetingsection_unique_key"),
        ]

    def __str__(self):
        return self.title

    @property
    def agenda(self):
        return Agenda.BY_KEY[self.key]

    @property
    def title(self):
        return self.agenda["title"]

    @property
    def actual_minutes(self):
        return round(self.actual_seconds / 60, 1)
