"""How many action items there are per status and priority, kept by the database itself, so
the tracker's counts do not read every item (50,000 at 10,000 incidents) on every page.

The rule: the tally is the count of every action item row, trashed incidents' included, per
(status, priority). Triggers on the action item table (PostgreSQL, migration 0018) add a row
of changes per statement that inserts, updates or deletes items, in that statement's
transaction: exact and immediate, and writers never wait for each other (rows are only
added, no row is updated). Readers sum the rows, and fold them into one row per (status,
priority) when there are more than FOLD_ABOVE. Items of incidents in the trash are taken off
when reading (a short list through the trashed-incident index), so moving an incident to the
trash or back needs nothing here.

Elsewhere (SQLite) there are no triggers: the counts are an aggregate over the items.
"""

from django.db import models

from postmortems.models.tally import Tally

FOLD_SQL = """
WITH folded AS (DELETE FROM postmortems_actionitemtally RETURNING status, priority, items)
INSERT INTO postmortems_actionitemtally (status, priority, items)
SELECT status, priority, SUM(items) FROM folded GROUP BY status, priority
HAVING SUM(items) <> 0
"""


class ActionItemTally(Tally):
    """One change of the number of items with a status and priority (see the module)."""

    status = models.CharField(max_length=20)
    priority = models.CharField(max_length=2)
    items = models.IntegerField()

    fold_sql = FOLD_SQL

    def __str__(self):
        return f"{self.status} {self.priority} {self.items:+d}"

    @classmethod
    def changes(cls):
        """(status, priority, items) rows whose sums per status and priority are the counts of
        the items outside the trash: the tally's rows, and those of the trashed incidents'
        items taken off (a short list, through the trashed-incident index)."""
        from postmortems.models.actions import ActionItem

        trashed = (ActionItem._base_manager.filter(incident__deleted_at__isnull=False)
                   .order_by().values_list("status", "priority")
                   .annotate(items=-models.Count("pk")))
        return cls.objects.values_list("status", "priority", "items").union(trashed, all=True)
