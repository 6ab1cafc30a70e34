"""Action items and the orphaned/overdue rules, written once, in SQL.

Orphaned = still open (open or in progress) and missing an owner, a due date or a ticket; an
owner whose account is deactivated counts as no owner, and so does an imported owner name that
matches no user. Overdue = still open and past its due date (UTC).
"""

import functools
from datetime import UTC

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connections, models
from django.db.models import Case, Func, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from postmortems.models.action_tally import ActionItemTally
from postmortems.models.trash import HidesTrashed
from postmortems.people import display_name
from postmortems.statements import Given, Statement, run

REASON_SEPARATOR = ", "


class ConcatWS(Func):
    """CONCAT_WS(separator, text, ...): the texts that are not NULL, joined by the separator.
    SQLite has it only from 3.44: there each text is prefixed by the separator (NULL stays
    NULL, then counts as nothing) and the first separator is cut off."""

    function = "CONCAT_WS"
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        separator, *texts = self.get_source_expressions()
        separator_sql, separator_params = compiler.compile(separator)
        parts, params = [], []
        for text in texts:
            text_sql, text_params = compiler.compile(text)
            parts.append(f"COALESCE({separator_sql} || {text_sql}, '')")
            params += [*separator_params, *text_params]
        sql = f"SUBSTR({' || '.join(parts)}, LENGTH({separator_sql}) + 1)"
        return sql, [*params, *separator_params]

# Still being worked on (ActionItem.Status.OPEN and IN_PROGRESS): the items both rules look at.
# A plain tuple, so the partial indexes in ActionItem.Meta can be written from the rules too.
OPEN_STATUSES = ("open", "in_progress")


def today_utc():
    """Today's date in UTC, whatever the server's zone: the day "overdue" is counted from."""
    return timezone.now().astimezone(UTC).date()


def count_each_sql(**querysets):
    """(sql, params) of one query whose columns, named as the querysets are, are the number
    of rows of each: each count is a subquery planned on its own, so each can read the
    (partial) index that fits its filter."""
    counts, params = [], []
    for name, queryset in querysets.items():
        sql, more = queryset.order_by().values("pk").query.sql_with_params()
        quoted = connections[queryset.db].ops.quote_name(name)
        counts.append(f"(SELECT count(*) FROM ({sql}) counted) AS {quoted}")
        params += more
    return "SELECT " + ", ".join(counts), params


def _count_each(**querysets):
    """{name: number of rows} of each queryset, in one query (count_each_sql)."""
    db = next(iter(querysets.values())).db
    with connections[db].cursor() as cursor:
        cursor.execute(*count_each_sql(**querysets))
        return dict(zip(querysets, cursor.fetchone(), strict=True))


# The columns a row of the action items table shows (ActionItemQuerySet.for_table).
ROW_FIELDS = ("incident_id", "priority", "text", "owner_id", "owner_name", "due", "ticket",
              "status", "wont_do_reason", "addresses_why_id", "addresses_factor_id",
              "owner__username", "owner__first_name", "owner__last_name", "owner__is_active",
              "ticket_link__key", "ticket_link__url", "ticket_link__state",
              "ticket_link__state_name", "ticket_link__synced_at", "ticket_link__last_error",
              "ticket_link__created_at")
INCIDENT_FIELDS = ("incident__title", "incident__owner_id")


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(self.open_condition())

    @staticmethod
    def open_condition():
        return Q(status__in=OPEN_STATUSES)

    @staticmethod
    def _missing_detail():
        return Q(owner__isnull=True) | Q(due__isnull=True) | Q(ticket="")

    @staticmethod
    def missing_detail_condition():
        """Still open, and no owner at all, no due date or no ticket: orphaned without looking
        at the owner's account (what the partial index postmortems_action_orphaned holds)."""
        return Q(status__in=OPEN_STATUSES) & ActionItemQuerySet._missing_detail()

    @staticmethod
    def complete_condition():
        """Still open, with an owner, a due date and a ticket: orphaned only if the owner's
        account is deactivated (postmortems_action_complete holds these by owner)."""
        return Q(status__in=OPEN_STATUSES) & ~ActionItemQuerySet._missing_detail()

    @staticmethod
    def orphan_condition():
        """Still open, and missing an owner (none, or a deactivated account), a due date or a
        ticket."""
        return Q(status__in=OPEN_STATUSES) & (
            ActionItemQuerySet._missing_detail() | Q(owner__is_active=False)
        )

    @staticmethod
    def orphan_condition_unjoined():
        """orphan_condition with the deactivated accounts read once, as a list of ids, instead
        of a join to each item's owner: for a test of a few items each (EXISTS per incident
        of the incident list), which the planner then plans in 0.5 ms instead of 1.4 ms and
        runs from the partial index of missing details and the owner index."""
        deactivated = get_user_model().objects.filter(is_active=False).values("pk")
        return Q(status__in=OPEN_STATUSES) & (
            ActionItemQuerySet._missing_detail() | Q(owner__in=deactivated)
        )

    @staticmethod
    def overdue_condition(today=None):
        """Still open, and due before today (UTC; or before the day given)."""
        return Q(status__in=OPEN_STATUSES, due__lt=today or today_utc())

    def with_flags(self, today=None):
        """Annotate is_orphaned, orphan_reason ("no owner, no ticket"), is_overdue (as of
        ``today``, by default today in UTC)."""
        def piece(condition, text):  # NULL unless it applies: CONCAT_WS skips NULLs
            return Case(When(condition, then=Value(text)), output_field=models.CharField())

        reasons = ConcatWS(
            Value(REASON_SEPARATOR),
            piece(Q(owner__isnull=True) & ~Q(owner_name=""), "owner is not a user"),
            piece(Q(owner__isnull=True) & Q(owner_name=""), "no owner"),
            piece(Q(owner__is_active=False), "owner is deactivated"),
            piece(Q(due__isnull=True), "no due date"),
            piece(Q(ticket=""), "no ticket"),
        )
        return self.annotate(
            orphan_reason=Case(When(self.open_condition(), then=reasons), default=Value(""),
                               output_field=models.CharField()),
            is_orphaned=Case(
                When(self.orphan_condition(), then=Value(True)),
                default=Value(False), output_field=models.BooleanField(),
            ),
            is_overdue=Case(
                When(self.overdue_condition(today), then=Value(True)),
                default=Value(False), output_field=models.BooleanField(),
            ),
        )

    def for_table(self, with_incident=False, today=None):
        """What a row of the action items table (templatetags/action_items.py) reads, and no
        more columns: the flags (as of ``today``, by default today in UTC), the owner's names
        and state, the linked ticket
        (trackers.TicketLink) and whether any tracker is set up (``trackers_on``, a
        subquery), the position of the why and the text of the factor the item addresses
        (``cause_position``, ``cause_text``), and with_incident its incident's title and
        owner. The cause is read by subqueries, not joins: joined, the two tables cost the
        planner more than the rest of the tracker's query (~1 ms)."""
        from postmortems.models.analysis import ContributingFactor, Why
        from trackers.models import TrackerConnection

        def value_of(model, pk_field, field):
            return models.Subquery(model._base_manager.filter(
                pk=models.OuterRef(pk_field)).order_by().values(field))

        related = ["owner", "ticket_link", *(["incident"] if with_incident else [])]
        return self.with_flags(today).select_related(*related).only(
            *ROW_FIELDS, *(INCIDENT_FIELDS if with_incident else ())).annotate(
            trackers_on=models.Exists(TrackerConnection.objects.all()),
            cause_position=value_of(Why, "addresses_why_id", "position"),
            cause_text=value_of(ContributingFactor, "addresses_factor_id", "text"),
        )

    def orphaned(self, today=None):
        # The deactivated owners as a list of ids, not a join in an OR: the same items, and
        # the dashboard's list of them is planned in 0.3 ms instead of 0.7-0.8.
        return self.with_flags(today).filter(self.orphan_condition_unjoined())

    def not_orphaned(self):
        return self.exclude(self.orphan_condition())

    def overdue(self, today=None):
        return self.with_flags(today).filter(self.overdue_condition(today))

    def attention_counts(self, **more):
        """{"orphaned": n, "overdue": n}: the dashboard's two counts in one query, each read
        from a partial index of the items it counts, not from every open item: orphaned as the
        items missing a detail (postmortems_action_orphaned) plus the complete ones whose owner
        is deactivated (postmortems_action_complete, by owner), overdue from
        postmortems_action_open_due. The size of each queryset in ``more`` comes with them,
        from the same query (the dashboard's incident counts: one round trip for all four)."""
        return self.attention_totals(_count_each(**self.attention_parts(**more)))

    def attention_parts(self, today=None, **more):
        """What attention_counts counts, by name (overdue as of ``today``, by default today
        in UTC); attention_totals adds them up."""
        return {
            "missing_detail": self.filter(self.missing_detail_condition()),
            "owner_deactivated": self.filter(self.complete_condition(), owner__is_active=False),
            "overdue": self.filter(self.overdue_condition(today)),
            **more,
        }

    @staticmethod
    def attention_totals(counts):
        """attention_counts from the counts of attention_parts."""
        counts = dict(counts)
        return {"orphaned": counts.pop("missing_detail") + counts.pop("owner_deactivated"),
                **counts}


class ActionItemManager(HidesTrashed.from_queryset(ActionItemQuerySet)):
    def filter_counts(self, user):
        """How many items outside the trash each filter of the tracker would show, in one
        query where each part reads only what it must: per status and priority the tally (see
        action_tally; not every item), and the flags from the partial indexes the dashboard's
        counts read (attention_counts), the user's own through the owner index. Its SQL is
        made of nothing but the database and the day (what is overdue), the user given when
        it runs, so it is compiled once per day and process (filter_counts_sql) and planned
        once per database session."""
        (rows,) = run(self.filter_counts_statement(user), prepared=True)
        return self.filter_counts_from(rows)

    def filter_counts_statement(self, user):
        """filter_counts' query, to run (statements.run) beside others; filter_counts_from
        reads its rows."""
        return Statement(*filter_counts_sql(self.db, today_utc())).given(user=user.pk)

    @staticmethod
    def filter_counts_from(rows):
        counts = dict.fromkeys(["all", "active", *ActionItem.Status.values,
                                *ActionItem.Priority.values, "mine", "orphaned", "overdue"], 0)
        tally_rows = 0
        for status, priority, items in rows:
            if priority == "":  # a flag's count
                counts[status] += items
                continue
            tally_rows += 1
            counts["all"] += items
            counts["active"] += items if status in OPEN_STATUSES else 0
            counts[status] = counts.get(status, 0) + items
            counts[priority] = counts.get(priority, 0) + items
        ActionItemTally.fold_when_longer(tally_rows)
        return counts


@functools.lru_cache(maxsize=4)
def filter_counts_sql(db, today):
    """(sql, params) of ActionItemManager.filter_counts on the database ``db`` as of ``today``,
    the user's id a Given parameter ("user"): (status, priority, items) rows, a flag's count
    with the flag's name as status and an empty priority. Compiling its five parts took
    ~2.5 ms of the tracker's ~10 ms of CPU; running it ~1 ms."""
    visible = ActionItem.objects.db_manager(db).get_queryset()  # the trash rule built once
    flagged = [
        ("mine", visible.filter(owner_id=Given("user", models.IntegerField()))),
        ("orphaned", visible.filter(visible.missing_detail_condition())),
        ("orphaned", visible.filter(visible.complete_condition(), owner__is_active=False)),
        ("overdue", visible.filter(visible.overdue_condition(today))),
    ]
    flag_counts = [items.order_by().annotate(flag=Value(flag), none=Value(""))
                   .values_list("flag", "none").annotate(items=models.Count("pk"))
                   for flag, items in flagged]
    if ActionItemTally.kept():
        by_status_and_priority = ActionItemTally.changes()
    else:
        by_status_and_priority = (visible.order_by().values_list("status", "priority")
                                  .annotate(items=models.Count("pk")))
    sql, params = (by_status_and_priority.union(*flag_counts, all=True).query
                   .get_compiler(db).as_sql())
    return sql, tuple(params)


@functools.lru_cache(maxsize=4)
def _table_items(today, with_incident):
    return ActionItem.objects.for_table(with_incident=with_incident, today=today)


def table_items(today=None, with_incident=False):
    """ActionItem.objects.for_table(with_incident, today), built once per day and process (its
    flags, subqueries and column list: ~1.3 ms of CPU to build and compile for the editor's
    five items, against ~0.75 ms to filter and compile a copy), a copy for the caller to filter
    (``.filter(incident=...)``). ``today``: by default today in UTC."""
    return _table_items(today or today_utc(), with_incident).all()


class ActionItem(models.Model):
    class Priority(models.TextChoices):
        P0 = "P0", "P0 – immediate fix"  # noqa: RUF001
        P1 = "P1", "P1 – prevent recurrence"  # noqa: RUF001
        P2 = "P2", "P2 – improve detection"  # noqa: RUF001

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont_do", "Won't do"

    OPEN_STATUSES = OPEN_STATUSES

    incident = models.ForeignKey(
        "postmortems.Incident", on_delete=models.CASCADE, related_name="action_items"
    )
    priority = models.CharField(max_length=2, choices=Priority, default=Priority.P1)
    text = models.CharField("action", max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="action_items",
    )
    owner_name = models.CharField(
        max_length=150, blank=True,
        help_text="The owner as written in an imported document, when no user matched.",
    )
    due = models.DateField("due date", null=True, blank=True)
    ticket = models.CharField(
        max_length=300, blank=True, help_text="A ticket key like OPS-123, or a URL."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    wont_do_reason = models.TextField("reason for won't do", blank=True)
    addresses_why = models.ForeignKey(
        "postmortems.Why", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="action_items", help_text="The why this action addresses.",
    )
    addresses_factor = models.ForeignKey(
        "postmortems.ContributingFactor", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="action_items", help_text="The contributing factor this action addresses.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "incident__"
    objects = ActionItemManager()

    class Meta:
        ordering = [models.F("due").asc(nulls_last=True), "priority", "pk"]
        indexes = [
            models.Index(fields=["status", "due"], name="postmortems_action_status_due"),
            # The tracker's sorts read a page in index order instead of sorting every item:
            # due soonest first (the default; PostgreSQL puts NULLs last in an ascending
            # index, as the order asks) and priority.
            models.Index(fields=["due", "priority", "id"], name="postmortems_action_due_order"),
            models.Index(fields=["priority", "due", "id"], name="postmortems_action_priority"),
            # The dashboard's lists and counts read only the items they show or count: the
            # open items by due date (the overdue list in its order, and the overdue count
            # with the incident beside each for the trash rule, without reading the table),
            # and the open items missing a detail or, by owner, complete (the orphaned count:
            # those missing a detail, and the complete ones of deactivated owners).
            models.Index(fields=["due", "id"], include=["incident"],
                         condition=ActionItemQuerySet.open_condition(),
                         name="postmortems_action_open_due"),
            models.Index(fields=["incident", "id"],
                         condition=ActionItemQuerySet.missing_detail_condition(),
                         name="postmortems_action_orphaned"),
            models.Index(fields=["owner"], include=["incident"],
                         condition=ActionItemQuerySet.complete_condition(),
                         name="postmortems_action_complete"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="wont_do") | ~Q(wont_do_reason=""),
                name="postmortems_actionitem_wont_do_has_reason",
                violation_error_message="Say why this action item won't be done.",
            ),
        ]

    def __str__(self):
        return f"{self.priority} {self.text}"

    def get_absolute_url(self):
        url = reverse("postmortems:incident_detail", args=[self.incident_id])
        return f"{url}#action-{self.pk}"

    def clean(self):
        errors = {}
        if self.status == self.Status.WONT_DO and not self.wont_do_reason.strip():
            errors["wont_do_reason"] = "Say why this action item won't be done."
        if (self.addresses_why_id and self.addresses_why
                and self.addresses_why.postmortem.incident_id != self.incident_id):
            errors["addresses_why"] = "Pick a why of this incident's postmortem."
        if (self.addresses_factor_id and self.addresses_factor
                and self.addresses_factor.postmortem.incident_id != self.incident_id):
            errors["addresses_factor"] = "Pick a factor of this incident's postmortem."
        if errors:
            raise ValidationError(errors)

    @property
    def linked_ticket(self):
        """Its ticket in a tracker (trackers.TicketLink, selected with the item by
        for_table), or None. A template reading item.ticket_link of an item without one
        gets DoesNotExist, which Django's templates tell from a bug by listing every attribute
        of the item (dir()): ~0.1 ms a row."""
        try:
            return self.ticket_link
        except ObjectDoesNotExist:
            return None

    @property
    def owner_display(self):
        if self.owner_id:
            return display_name(self.owner)
        return self.owner_name
