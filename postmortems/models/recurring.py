"""Stored links between similar causes, so the dashboard's "recurring root causes" and the
editor's "Seen before?" are reads, not comparisons of causes with every other
(postmortems/recurring.py fills them)."""

from functools import partial

from django.db import connection, models, transaction

from postmortems.models.trash import HidesTrashed


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


class SimilarIncident(models.Model):
    """One of the incidents the editor shows as "Seen before?" for ``postmortem``: another
    incident whose root cause or contributing factor looks like one of the postmortem's
    causes, with the text that matched and its trigram similarity; the best few per
    postmortem, ranked 1, 2, 3 … (postmortems/similar.py stores them whenever a cause
    changes). Rows whose incident is in the trash are left out where they are read."""

    class Kind(models.TextChoices):
        ROOT_CAUSE = "root cause", "Root cause"
        FACTOR = "contributing factor", "Contributing factor"

    postmortem = models.ForeignKey("postmortems.Postmortem", on_delete=models.CASCADE,
                                   related_name="+")
    incident = models.ForeignKey("postmortems.Incident", on_delete=models.CASCADE,
                                 related_name="+")
    text = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    incident_lookup = "incident__"
    objects = HidesTrashed()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "rank"],
                                    name="postmortems_similarincident_rank"),
        ]

    def __str__(self):
        return f"{self.postmortem_id} ~ incident {self.incident_id} ({self.score:.2f})"


def queue_similar_incidents(postmortem_id):
    """A cause of this postmortem changed: once committed, its own stored matches are
    written again at once (the answer to the change shows them), and the other postmortems'
    that the change may enter or leave by a task (postmortems.similar.postmortems_near)."""
    # robust: a failure here is logged and the answer still sent (the change is committed)
    transaction.on_commit(partial(_store_similar_incidents, postmortem_id), robust=True)
    transaction.on_commit(partial(_send_similar_task, [], [postmortem_id]))


def queue_similar_refresh(postmortem_ids=(), around=()):
    """Once committed, store again the matches of ``postmortem_ids`` and of the postmortems
    ``around`` (restore from the trash, purge: nobody is looking at those pages)."""
    transaction.on_commit(partial(_send_similar_task, list(postmortem_ids), list(around)))


def _store_similar_incidents(postmortem_id):
    from postmortems import similar

    similar.store_similar_incidents([postmortem_id])


def _send_similar_task(postmortem_ids, around):
    from config import queue
    from postmortems import similar
    from postmortems.tasks import refresh_similar_incidents

    if connection.vendor != "postgresql":  # the SQLite demo: small, and no worker needed
        similar.refresh_similar_incidents(postmortem_ids, around)
        return
    queue.send(refresh_similar_incidents, postmortem_ids, around)
