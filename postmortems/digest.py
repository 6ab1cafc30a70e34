"""The weekly action-item digest: each owner gets their open and overdue items; each incident
owner gets the orphaned items of their incidents. Run by Celery beat (postmortems.tasks) and by
`manage.py send_digest`; both call send_weekly_digest()."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string

from postmortems.models import ActionItem


@dataclass
class Digest:
    user: object
    open_items: list = field(default_factory=list)
    orphans: list = field(default_factory=list)

    @property
    def overdue_items(self):
        return [item for item in self.open_items if item.is_overdue]


def build_digests():
    """{user_id: Digest} for every active user with something to hear about (two queries
    for the items, one for the users)."""
    digests = defaultdict(lambda: None)
    users = {}
    mine = (ActionItem.objects.open().with_flags().filter(owner__is_active=True)
            .select_related("incident").order_by("due", "priority", "pk"))
    orphans = (ActionItem.objects.orphaned().filter(incident__owner__is_active=True)
               .select_related("incident", "owner").order_by("incident_id", "pk"))
    mine, orphans = list(mine), list(orphans)
    wanted = {item.owner_id for item in mine} | {item.incident.owner_id for item in orphans}
    users = get_user_model().objects.in_bulk(wanted)
    for item in mine:
        digests[item.owner_id] = digests[item.owner_id] or Digest(users[item.owner_id])
        digests[item.owner_id].open_items.append(item)
    for item in orphans:
        owner_id = item.incident.owner_id
        digests[owner_id] = digests[owner_id] or Digest(users[owner_id])
        digests[owner_id].orphans.append(item)
    return {user_id: digest for user_id, digest in digests.items() if digest}


def send_weekly_digest():
    """Send one e-mail per user with something to act on; returns the number sent."""
    messages = []
    for digest in build_digests().values():
        if not digest.user.email:
            continue
        body = render_to_string("postmortems/email/digest.txt", {
            "digest": digest, "site_name": settings.SITE_NAME,
        })
        subject = (f"[{settings.SITE_NAME}] {len(digest.open_items)} open action items, "
                   f"{len(digest.overdue_items)} overdue, {len(digest.orphans)} orphaned")
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [digest.user.email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
