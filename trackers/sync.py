"""Tickets and action items, kept in step, written once.

- ``request_ticket``: an editor asks for a ticket; the link is stored as pending and the
  tracker is called from a Celery task (``create_ticket``) sent through the outbox, so a
  tracker or broker that is down never holds up or fails the request. The issue's body carries
  ``marker_for(item)``; a retry after a failed try searches the tracker for it first, so an
  answer lost after the tracker created the issue does not file a second one.
- ``link_existing``: an editor names an issue that exists; it is checked on the tracker.
- ``apply``: what the tracker says, applied to the item: a ticket that closes marks its open
  item done ("closed in GitHub" in the item's history), a ticket that reopens reopens the
  item it had closed. Only changes of the ticket's state act: an item closed here while its
  ticket stays open is left alone.
- ``poll``: the beat job; a bounded batch of the links due, oldest first, one client per
  tracker; a failed call backs off (TicketLink.record_failure) and the item shows
  "not synced since …" until the tracker answers again.
- ``receive``: a webhook delivery, checked (signature), then ``apply`` per issue it names.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from postmortems.models import ActionItem
from postmortems.revisions.concurrency import Conflict, save_versioned
from trackers import crypto
from trackers.base import CLOSED, OPEN, Draft, TicketNotFound, TrackerError
from trackers.models import TicketLink, TrackerConnection

log = logging.getLogger(__name__)


def marker_for(item):
    """The body line that names this site's action item: a retry searches the tracker for it."""
    site = urlsplit(settings.SITE_URL).netloc or settings.SITE_URL.rstrip("/")
    return f"postmortems-action-item: {site}/{item.pk}"


def draft_for(item):
    incident = item.incident
    link = settings.SITE_URL.rstrip("/") + item.get_absolute_url()
    lines = [
        f"Action item from the postmortem of incident #{incident.pk} \"{incident.title}\".",
        "",
        f"Incident: {link}",
        f"Priority: {item.get_priority_display()}",
        f"Owner: {item.owner_display or 'nobody yet'}",
        f"Due: {item.due.isoformat() if item.due else 'no due date yet'}",
        "",
        marker_for(item),
    ]
    return Draft(title=item.text, body="\n".join(lines), due=item.due, priority=item.priority,
                 marker=marker_for(item))


def _connection_for(item):
    if not crypto.configured():
        raise ValidationError(crypto.MISSING_KEY_MESSAGE)
    connection = TrackerConnection.objects.for_incident(item.incident)
    if connection is None:
        raise ValidationError("No ticket tracker serves this incident's services and there is "
                              "no site-wide default: an admin adds one under Trackers.")
    return connection


def _has_link(item):
    return TicketLink.objects.filter(item=item).exists()


def request_ticket(item, user, request=None):
    """Store a pending ticket for ``item`` and send the task that creates it."""
    from config.queue import send_on_commit
    from trackers import tasks

    connection = _connection_for(item)
    if _has_link(item):
        raise ValidationError("This action item has a ticket already.")
    if item.ticket.strip():
        raise ValidationError(f"This action item names a ticket already ({item.ticket}): "
                              "link it instead.")
    link = TicketLink.objects.create(item=item, connection=connection,
                                     next_attempt_at=timezone.now())
    send_on_commit(tasks.create_ticket, link.pk, request=request)
    return link


def link_existing(item, text, user):
    """Link ``item`` to the tracker's issue ``text`` (a key or URL), checked on the tracker."""
    connection = _connection_for(item)
    if _has_link(item):
        raise ValidationError("This action item has a ticket already.")
    client = connection.client()
    try:
        reference = client.parse_reference(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    # One link per ticket, an action item in the trash included (the constraint counts it).
    taken = TicketLink._base_manager.filter(connection=connection, reference=reference).first()
    if taken is not None:
        raise ValidationError(f"{taken.key} is the ticket of another action item already.")
    try:
        issue = client.get_state(reference)
    except TicketNotFound:
        raise ValidationError(f"{connection.label} has no issue {text.strip()} (or the token "
                              "cannot see it).") from None
    except (TrackerError, crypto.UnreadableSecret) as exc:
        raise ValidationError(f"Not linked: {exc} Try again later.") from None
    link = TicketLink(item=item, connection=connection)
    link.record_success(issue)
    link.save()
    _set_item(item, {"ticket": issue.key}, user, f"ticket {issue.key} linked")
    return link


def _set_item(item, values, user, reason):
    """Save values on the item under the version rule; a concurrent save is re-read once."""
    for _attempt in range(2):
        current = ActionItem.objects.get(pk=item.pk)
        try:
            return save_versioned(current, current.version, values, user=user, reason=reason)
        except Conflict:
            continue
    log.warning("action item %s changed twice meanwhile; %s not applied", item.pk, reason)
    return None


def create_ticket(link_id):
    """Create the pending ticket ``link_id`` on its tracker (the task; also the poll job)."""
    with transaction.atomic():
        link = (TicketLink.objects.select_for_update(of=("self",))
                .select_related("connection", "item__incident", "item__owner")
                .filter(pk=link_id).first())
        if link is None or link.reference:
            return {"link": link_id, "status": "nothing to do"}
        draft = draft_for(link.item)
        try:
            client = link.connection.client()
            # A try that failed may have created the issue and lost the answer: look first.
            issue = (client.find_issue(draft.marker) if link.failures else None) or \
                client.create_issue(draft)
        except (TrackerError, crypto.UnreadableSecret, crypto.KeyMissing) as exc:
            link.record_failure(exc)
            link.save()
            return {"link": link_id, "status": "failed", "error": link.last_error}
        link.record_success(issue)
        link.save()
        _set_item(link.item, {"ticket": issue.key}, None,
                  f"ticket {issue.key} created in {link.connection.label}")
    return {"link": link_id, "status": "created", "key": issue.key}


def apply(link, issue, now=None):
    """Record what the tracker says about ``link``'s issue; close or reopen the item when the
    ticket's state changed. Returns "closed", "reopened" or None."""
    before = link.state
    link.record_success(issue, now)
    link.save()
    item = link.item
    label = link.connection.label
    if before != CLOSED and issue.state == CLOSED and item.status in ActionItem.OPEN_STATUSES:
        _set_item(item, {"status": ActionItem.Status.DONE}, None,
                  f"closed in {label} ({issue.key})")
        return "closed"
    if before == CLOSED and issue.state == OPEN and item.status == ActionItem.Status.DONE:
        _set_item(item, {"status": ActionItem.Status.OPEN}, None,
                  f"reopened in {label} ({issue.key})")
        return "reopened"
    return None


def poll(batch=None, now=None):
    """One run of the poll job: the links due, oldest first, at most ``batch``."""
    now = now or timezone.now()
    if not crypto.configured():
        return {"skipped": crypto.MISSING_KEY_MESSAGE}
    links = list(TicketLink.objects.due(now).select_related("connection", "item__incident",
                                                              "item__owner")
                 .order_by("next_attempt_at", "pk")[:batch or settings.TRACKER_POLL_BATCH])
    counts = {"polled": 0, "created": 0, "closed": 0, "reopened": 0, "failed": 0}
    clients, down = {}, {}
    for link in links:
        if link.connection_id in down:  # it failed to answer in this run: don't wait again
            link.record_failure(down[link.connection_id], now)
            link.save()
            counts["failed"] += 1
            continue
        if not link.reference:
            result = create_ticket(link.pk)
            counts["created" if result["status"] == "created" else "failed"] += 1
            continue
        try:
            client = clients.get(link.connection_id) or link.connection.client()
            clients[link.connection_id] = client
            issue = client.get_state(link.reference)
        except TicketNotFound as exc:
            link.record_failure(exc, now)
            link.save()
            counts["failed"] += 1
            continue
        except (TrackerError, crypto.UnreadableSecret) as exc:
            down[link.connection_id] = exc
            link.record_failure(exc, now)
            link.save()
            counts["failed"] += 1
            continue
        counts["polled"] += 1
        changed = apply(link, issue, now)
        if changed:
            counts[changed] += 1
    return counts


def receive(connection, headers, body, query):
    """A webhook delivery: BadSignature / MalformedPayload propagate (403 / 400); issues
    the site has no link for are ignored. Returns counts for the answer."""
    issues = connection.client().parse_webhook(headers, body, query)
    counts = {"updated": 0, "ignored": 0, "closed": 0, "reopened": 0}
    for issue in issues:
        with transaction.atomic():
            link = (TicketLink.objects.select_for_update(of=("self",))
                    .select_related("item", "connection")
                    .filter(connection=connection, reference=issue.reference).first())
            if link is None:
                counts["ignored"] += 1
                continue
            changed = apply(link, issue)
        counts["updated"] += 1
        if changed:
            counts[changed] += 1
    if not issues:
        counts["ignored"] = 1
    return counts
