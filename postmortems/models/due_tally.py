"""How many incidents need a postmortem that is not published yet, kept by the database
itself, so the dashboard's count does not read every incident the rules may require (7,139
of 10,000 in the bench) against the published postmortems on every load.

The rule is Incident.objects.needing_postmortem(). All of it but the clock is a function of
an incident's row and whether its postmortem is published; the clock only matters for a
customer-facing outage neither mitigated nor resolved, which becomes due once it has lasted
OUTAGE_THRESHOLD. So the count is two parts:

- the tally: the incidents outside the trash that the rules require without the clock (an
  outage's end is known, or another rule holds) and that have no published postmortem.
  Triggers on the incident and postmortem tables (PostgreSQL, migration 0024) add a row of
  changes per statement that changes it, in that statement's transaction: exact and
  immediate, for every write path (saves, queryset updates, bulk operations, raw SQL), and
  writers never wait for each other (rows are only added). A postmortem's change of
  published state locks its incident's row (FOR SHARE) before counting, so it and a
  concurrent change of that incident are counted one after the other. Readers sum the rows
  and fold them into one when there are more than FOLD_ABOVE;
- the ongoing customer-facing outages that no other rule requires, counted when read once
  they have lasted the threshold (Incident.objects.due_by_the_clock(), a few rows through a
  partial index).

Elsewhere (SQLite) there are no triggers: the count is needing_postmortem's.
"""

from django.db import models

from postmortems.models.tally import Tally

FOLD_SQL = """
WITH folded AS (DELETE FROM postmortems_postmortemduetally RETURNING incidents)
INSERT INTO postmortems_postmortemduetally (incidents)
SELECT SUM(incidents) FROM folded HAVING SUM(incidents) <> 0
"""


class PostmortemDueTally(Tally):
    """One change of the number of incidents due a postmortem without the clock (see the
    module)."""

    incidents = models.IntegerField()

    fold_sql = FOLD_SQL

    def __str__(self):
        return f"{self.incidents:+d}"

    @classmethod
    def total_sql(cls):
        """SQL of two columns: the tally's sum (``due_kept``) and its number of rows
        (``due_tally_rows``, for fold_when_longer)."""
        return ("(SELECT COALESCE(SUM(incidents), 0) FROM postmortems_postmortemduetally) "
                "AS due_kept, (SELECT COUNT(*) FROM postmortems_postmortemduetally) "
                "AS due_tally_rows")
