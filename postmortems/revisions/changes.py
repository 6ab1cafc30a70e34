"""What changed in a postmortem since a cursor: the cheap question meeting pages poll.

Every change to the document's objects is already a history row (django-simple-history), with
its time, its kind (+ created, ~ changed, - deleted) and its user, so the feed is ONE query: a
UNION over the history tables of the document's parts, newer than the cursor. The cursor is the
server time of the previous answer; a short overlap catches transactions that committed late,
and the client ignores rows it has seen (each row has a unique ``key``).
"""

from datetime import UTC, datetime, timedelta

from django.db.models import CharField, F, Value
from django.utils import timezone

from postmortems.models import (
    ActionItem,
    Attendee,
    ContributingFactor,
    Decision,
    DissentingView,
    Incident,
    Meeting,
    MeetingSection,
    OrphanAcceptance,
    Postmortem,
    TimelineEntry,
    Why,
)

# A transaction stamps its history rows when it saves, and may commit a little later.
OVERLAP = timedelta(seconds=3)
LIMIT = 200

# Which part of the meeting page each model lives in.
PARTS = {
    "incident": "incident",
    "postmortem": "postmortem",
    "timelineentry": "timeline",
    "why": "analysis",
    "contributingfactor": "analysis",
    "actionitem": "actions",
    "meeting": "meeting",
    "meetingsection": "meeting",
    "attendee": "meeting",
    "dissentingview": "meeting",
    "decision": "meeting",
    "orphanacceptance": "actions",
}


EARLIEST_CURSOR = datetime(1970, 1, 1, tzinfo=UTC)


def parse_cursor(value):
    """An ISO-8601 cursor, or None (meaning: only tell me the current cursor)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    # Nothing is older than the epoch; an earlier cursor (0001-01-01…) means "everything".
    return max(parsed, EARLIEST_CURSOR)


def document_scopes(postmortem, meeting_ids):
    """[(model, filter)] selecting the history rows of a postmortem's parts."""
    return [
        (Incident, {"id": postmortem.incident_id}),
        (Postmortem, {"id": postmortem.pk}),
        (TimelineEntry, {"postmortem_id": postmortem.pk}),
        (Why, {"postmortem_id": postmortem.pk}),
        (ContributingFactor, {"postmortem_id": postmortem.pk}),
        (ActionItem, {"incident_id": postmortem.incident_id}),
        (Meeting, {"postmortem_id": postmortem.pk}),
        (MeetingSection, {"meeting_id__in": meeting_ids}),
        (Attendee, {"meeting_id__in": meeting_ids}),
        (DissentingView, {"meeting_id__in": meeting_ids}),
        (Decision, {"meeting_id__in": meeting_ids}),
        (OrphanAcceptance, {"meeting_id__in": meeting_ids}),
    ]


def _history_querysets(postmortem, meeting_ids, since):
    for model, scope in document_scopes(postmortem, meeting_ids):
        # No ORDER BY inside the parts of a UNION (SQLite refuses it): the union is ordered.
        yield model.history.filter(history_date__gt=since, **scope).order_by().annotate(
            model_name=Value(model._meta.model_name, output_field=CharField()),
            who=F("history_user__username"),
        ).values_list("model_name", "id", "history_id", "history_type", "history_date", "who")


def changes_since(postmortem, since):
    """{"cursor": iso, "changes": [...], "parts": [...]} for the document's changes after
    ``since`` (minus the overlap). With no ``since``, just the current cursor."""
    now = timezone.now()
    answer = {"cursor": now.isoformat(), "changes": [], "parts": []}
    if since is None:
        return answer
    meeting_ids = Meeting.objects.filter(postmortem_id=postmortem.pk).values("pk")
    querysets = list(_history_querysets(postmortem, meeting_ids, since - OVERLAP))
    union = querysets[0].union(*querysets[1:], all=True).order_by("history_date")[:LIMIT]
    parts = []
    for model_name, pk, history_id, kind, at, who in union:
        part = PARTS[model_name]
        answer["changes"].append({
            "key": f"{model_name}:{history_id}", "model": model_name, "id": pk,
            "type": kind, "at": at.isoformat(), "by": who or "", "part": part,
        })
        if part not in parts:
            parts.append(part)
    answer["parts"] = parts
    return answer
