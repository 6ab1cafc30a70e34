"""How incidents are asked about: the postmortem rules as a condition, the incident list's
rows, search, mean times and the named sets (open, needing a postmortem); Incident.objects."""

from datetime import UTC, datetime, time, timedelta

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Now

from postmortems.models.actions import ActionItem, ActionItemQuerySet
from postmortems.models.analysis import Why
from postmortems.models.catalogue import Service
from postmortems.models.documents import Postmortem
from postmortems.models.intake import AlertGroup

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


# What the incident list shows of an incident, read as values (ListedIncident's fields).
LISTED_COLUMNS = ("pk", "title", "severity", "status", "started_at", "owner__username",
                  "postmortem__state", "has_orphans", "service_names")


class IncidentQuerySet(models.QuerySet):
    def in_trash(self):
        """Incidents moved to the trash (read through Incident.all_objects)."""
        return self.filter(deleted_at__isnull=False)

    def open(self):
        return self.exclude(status=self.model.Status.RESOLVED)

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
        """The incident list's columns of each incident (LISTED_COLUMNS), as values:
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
                .values_list(*LISTED_COLUMNS))

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
