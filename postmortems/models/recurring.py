"""Stored links between similar root causes, so the dashboard's "recurring root causes" is a
read, not a comparison of every cause with every other (postmortems/recurring.py fills them)."""

from django.db import models


class RecurringCauseLink(models.Model):
    """``why``'s root cause looks like ``similar``'s (another incident's), with the trigram
    similarity; each root cause keeps its closest few links, both ways."""

    why = models.ForeignKey("postmortems.Why", on_delete=models.CASCADE,
                            related_name="recurring_links")
    similar = models.ForeignKey("postmortems.Why", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["why", "similar"],
                                    name="postmortems_recurringcauselink_unique"),
        ]

    def __str__(self):
        return f"{self.why_id} ~ {self.similar_id} ({self.score:.2f})"


class RecurringCause(models.Model):
    """A root cause and the other incidents whose root causes look like it (through its
    links), kept up to date with the links: the dashboard reads a few of these rows, never
    aggregates the links themselves."""

    why = models.OneToOneField("postmortems.Why", on_delete=models.CASCADE, primary_key=True,
                               related_name="+")
    incident = models.ForeignKey("postmortems.Incident", on_delete=models.CASCADE,
                                 related_name="+")
    others = models.JSONField(default=list)  # the other incidents' ids, ascending
    repeats = models.PositiveIntegerField()  # len(others): how many other incidents

    class Meta:
        indexes = [models.Index(fields=["-repeats", "-incident"],
                                name="postmortems_recurring_rank")]

    def __str__(self):
        return f"{self.why_id}: {self.repeats} other incidents"
