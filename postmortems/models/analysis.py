"""The analysis of a postmortem: the 5-whys chain and the contributing factors.

Both are lists numbered 1, 2, 3 … within their postmortem, written once here:

- ``append`` locks the postmortem row (SELECT ... FOR UPDATE) and computes the next position
  under the lock, so parallel appends queue up and never read the same last position;
- ``renumber`` closes the gaps a delete leaves;
- a chain has at most one root cause: ``Why.objects.set_root_cause`` moves the mark (each why
  keeps a history row for it), and a named partial unique constraint refuses a second one in
  the database whatever the caller.
"""

from functools import partial

from django.db import connection, models, transaction
from django.db.models import Max, Q
from simple_history.models import HistoricalRecords

from postmortems.models.recurring import queue_similar_incidents
from postmortems.models.trash import HidesTrashed
from postmortems.revisions.concurrency import create_tracked, update_tracked


class NumberedQuerySet(models.QuerySet):
    """Rows numbered 1, 2, 3 … within their postmortem."""

    def lock_postmortem(self, postmortem_id):
        """Row-lock the postmortem: changes to its numbered lists then go one at a time."""
        postmortems = self.model._meta.get_field("postmortem").related_model._default_manager
        postmortems.select_for_update(of=("self",)).filter(pk=postmortem_id).values_list("pk").first()

    def append(self, row, user=None, reason=None):
        """Save the new ``row`` (its postmortem set) at the end of its postmortem's list."""
        with transaction.atomic():
            self.lock_postmortem(row.postmortem_id)
            self.before_append(row, user)
            last = (self.model._default_manager.filter(postmortem_id=row.postmortem_id)
                    .aggregate(last=Max("position"))["last"])
            row.position = (last or 0) + 1
            return create_tracked(row, reason)

    def before_append(self, row, user):
        """What a list must do, under the lock, before ``row`` joins it."""

    def renumber(self, postmortem):
        """Number the rows 1, 2, 3 … again, keeping their order (after a delete)."""
        with transaction.atomic():
            self.lock_postmortem(postmortem.pk)
            rows = self.model._default_manager.filter(postmortem=postmortem).order_by(
                "position", "pk")
            for position, row in enumerate(rows, start=1):
                if row.position != position:
                    row.position = position
                    row.save(update_fields=["position"])


class WhyQuerySet(NumberedQuerySet):
    def before_append(self, why, user):
        if why.is_root_cause:  # a new root cause takes the mark from the old one
            self.clear_root_cause(why.postmortem_id, user=user)

    def clear_root_cause(self, postmortem_id, keep=None, user=None):
        """Unmark the chain's root cause (but ``keep``), leaving a history row for it."""
        marked = self.model._default_manager.filter(postmortem_id=postmortem_id,
                                                    is_root_cause=True)
        if keep is not None:
            marked = marked.exclude(pk=keep.pk)
        return update_tracked(marked, user=user, is_root_cause=False)

    def set_root_cause(self, why, user=None):
        """Make ``why`` the root cause of its chain: the mark moves from the other why (one
        root cause per chain), and both whys' histories say who moved it."""
        with transaction.atomic():
            self.lock_postmortem(why.postmortem_id)
            self.clear_root_cause(why.postmortem_id, keep=why, user=user)
            update_tracked(self.model._default_manager.filter(pk=why.pk, is_root_cause=False),
                           user=user, is_root_cause=True)
            queue_recurring_links(why.pk)
        why.refresh_from_db()
        return why


def queue_recurring_links(why_id):
    """Once committed, refresh the stored links between this why and similar root causes
    (the dashboard reads them: postmortems.recurring.link_root_causes)."""
    if connection.vendor == "postgresql":
        transaction.on_commit(partial(_send_link_task, why_id))


def _send_link_task(why_id):
    from config import queue
    from postmortems.tasks import link_recurring_causes

    queue.send(link_recurring_causes, [why_id])


def changes_a_cause(update_fields):
    """Whether a save of a why or factor may change its text or root-cause mark (not a
    renumbering): the stored similar incidents then follow (models/recurring.py)."""
    return update_fields is None or not set(update_fields) <= {"position", "version"}


class Why(models.Model):
    """One link of the 5-whys chain: a question and its answer; the last is the root cause."""

    postmortem = models.ForeignKey("postmortems.Postmortem", on_delete=models.CASCADE,
                                   related_name="whys")
    position = models.PositiveSmallIntegerField()
    question = models.TextField(help_text="Markdown.")
    answer = models.TextField(blank=True, help_text="Markdown.")
    is_root_cause = models.BooleanField("root cause", default=False)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "postmortem__incident__"
    objects = HidesTrashed.from_queryset(WhyQuerySet)()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "whys"
        # Every why in that order (/api/v1/whys/): a page read from here, not a sort.
        indexes = [models.Index(fields=["position", "id"], name="postmortems_why_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "position"], name="postmortems_why_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="postmortems_why_position"),
            models.UniqueConstraint(
                fields=["postmortem"], condition=Q(is_root_cause=True),
                name="postmortems_why_one_root_cause",
                violation_error_message="This chain already has a root cause: a 5-whys chain "
                                        "has one. Untick it there first, or move it here.",
            ),
        ]

    def __str__(self):
        return f"Why {self.position}: {self.question}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        queue_recurring_links(self.pk)
        if changes_a_cause(kwargs.get("update_fields")):
            queue_similar_incidents(self.postmortem_id)

    def delete(self, *args, **kwargs):
        queue_similar_incidents(self.postmortem_id)
        return super().delete(*args, **kwargs)


class ContributingFactor(models.Model):
    postmortem = models.ForeignKey("postmortems.Postmortem", on_delete=models.CASCADE,
                                   related_name="factors")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(help_text="Markdown.")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()
    incident_lookup = "postmortem__incident__"
    objects = HidesTrashed.from_queryset(NumberedQuerySet)()

    class Meta:
        ordering = ["position", "pk"]
        # Every factor in that order (/api/v1/factors/): a page read from here, not a sort.
        indexes = [models.Index(fields=["position", "id"], name="postmortems_factor_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "position"], name="postmortems_factor_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if changes_a_cause(kwargs.get("update_fields")):
            queue_similar_incidents(self.postmortem_id)

    def delete(self, *args, **kwargs):
        queue_similar_incidents(self.postmortem_id)
        return super().delete(*args, **kwargs)
