"""Who has a postmortem's editor open: each open editor says so with every poll of its live
feed (a heartbeat every few seconds); somebody not heard from for ``AWAY`` has left.

One row per (postmortem, user), upserted by one statement on its own (no transaction around
it: nothing else is written with it); nothing to clean up, stale rows simply stop counting.
The table is UNLOGGED on PostgreSQL (migration 0023): a crash empties it, and the next poll
of each open editor writes its row again."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

AWAY = timedelta(seconds=20)


class PresenceQuerySet(models.QuerySet):
    def here(self, now=None):
        """Editors heard from recently."""
        return self.filter(seen_at__gte=(now or timezone.now()) - AWAY)


class Presence(models.Model):
    """The last time ``user`` had the editor of ``postmortem`` open."""

    postmortem = models.ForeignKey("postmortems.Postmortem", on_delete=models.CASCADE,
                                   related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    seen_at = models.DateTimeField()

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["postmortem", "user"],
                                               name="postmortems_presence_once")]

    def __str__(self):
        return f"{self.user} in the editor of postmortem #{self.postmortem_id}"

    @classmethod
    def seen(cls, postmortem, user, now=None):
        """``user`` has the editor open now: one upsert, a statement of its own (bulk_create
        wraps its INSERT in BEGIN and COMMIT: three round trips on every load and poll)."""
        seen_at = connection.ops.adapt_datetimefield_value(now or timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (postmortem_id, user_id, seen_at) "
                "VALUES (%s, %s, %s) ON CONFLICT (postmortem_id, user_id) "
                "DO UPDATE SET seen_at = excluded.seen_at",
                [postmortem.pk, user.pk, seen_at])

    @classmethod
    def heartbeat(cls, postmortem, user, now=None):
        """``user`` has the editor open now; returns the others who have it open too."""
        now = now or timezone.now()
        cls.seen(postmortem, user, now)
        return [presence.user for presence in cls.objects.here(now)
                .filter(postmortem=postmortem).exclude(user=user)
                .select_related("user").order_by("seen_at", "pk")]
