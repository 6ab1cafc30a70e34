"""A count the database keeps as rows of changes (ActionItemTally, PostmortemDueTally):
statement triggers add a row per write, in the writer's transaction, never updating one, so
writers never wait for each other; readers sum the rows and fold them when there are more
than FOLD_ABOVE. The triggers are PostgreSQL's; elsewhere the counts are read directly."""

from django.db import connection, models

FOLD_ABOVE = 200


class Tally(models.Model):
    """A tally's rows (see the module). ``fold_sql`` replaces them by their sums in one
    statement: a row added by a transaction still running is not seen, so not deleted, and
    counted later."""

    fold_sql = ""

    class Meta:
        abstract = True

    @classmethod
    def kept(cls):
        """Does the database keep the tally (PostgreSQL: the triggers of its migration)?"""
        return connection.vendor == "postgresql"

    @classmethod
    def fold_when_longer(cls, rows):
        """Fold the rows (see fold) when a reader summed more than FOLD_ABOVE."""
        if rows > FOLD_ABOVE:
            cls.fold()

    @classmethod
    def fold(cls):
        """Replace the rows by their sums (``fold_sql``)."""
        with connection.cursor() as cursor:
            cursor.execute(cls.fold_sql)
