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
