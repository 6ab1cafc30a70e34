"""Who has a postmortem's editor open: each open editor says so with every poll of its live
feed (a heartbeat every few seconds); somebody not heard from for ``AWAY`` has left.

One row per (postmortem, user), upserted by one statement (no transaction around it:
nothing else is written with it; the editor sends it in the round trip of its reads);
nothing to clean up, stale rows simply stop counting.
The table is UNLOGGED on PostgreSQL (migration 0023): a crash empties it, and the next poll
of each open editor writes its row again."""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from postmortems.statements import Given, Statement, run

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
        run(cls.seen_statement(postmortem, user, now))

    @classmethod
    def seen_statement(cls, postmortem, user, now=None):
        """seen as a statement (postmortems.statements) to send with a page's reads, the
        same for every postmortem, user and time (given when it runs)."""
        return _upsert(cls._meta.db_table).given(
            postmortem=postmortem.pk, user=user.pk, seen_at=now or timezone.now())

    @classmethod
    def heartbeat(cls, postmortem, user, now=None):
        """``user`` has the editor open now; returns the others who have it open too."""
        now = now or timezone.now()
        cls.seen(postmortem, user, now)
        return [presence.user for presence in cls.objects.here(now)
                .filter(postmortem=postmortem).exclude(user=user)
                .select_related("user").order_by("seen_at", "pk")]


@functools.lru_cache(maxsize=1)
def _upsert(table):
    return Statement(
        f"INSERT INTO {table} (postmortem_id, user_id, seen_at) VALUES (%s, %s, %s) "
        "ON CONFLICT (postmortem_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
        (Given("postmortem", models.IntegerField()), Given("user", models.IntegerField()),
         Given("seen_at", models.DateTimeField())))
