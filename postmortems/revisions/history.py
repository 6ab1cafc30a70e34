"""The history of a postmortem or an action item, read from django-simple-history: who, when,
what changed (before → after, from ``diff_against``), and which deleted objects can be restored.

One query per history table (not per row), so a page costs the same for 10 or 1000 changes.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Decision,
    DissentingView,
    EditConflict,
    Meeting,
    TimelineEntry,
    Why,
)
from postmortems.people import display_name
from postmortems.revisions.changes import document_scopes

SHOWN = 300
KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping columns that are not worth a line in the history.
IGNORED = {"version", "updated_at", "created_at"}
# What a deleted row can be brought back as, by model name (the restore URL's "model").
RESTORABLE = {model._meta.model_name: model for model in [
    TimelineEntry, Why, ContributingFactor, ActionItem, DissentingView, Decision,
]}


def _short(record, users):
    """A short label for a history row, from its own columns (no query)."""
    kind = record.instance_type._meta.model_name
    if kind == "postmortem":
        return "the document"
    if kind == "meeting":
        return f"review meeting of {record.started_at:%Y-%m-%d %H:%M} UTC"
    if kind == "attendee" and record.user_id:
        return users.get(record.user_id, f"user #{record.user_id}")
    for name in ("title", "text", "question", "name", "key"):
        value = getattr(record, name, None)
        if value:
            value = str(value)
            return value if len(value) <= 80 else value[:77] + "…"
    return f"#{record.id}"


def _value(field, value, users):
    if value in (None, ""):
        return "—"
    if field is not None and field.is_relation:
        if field.related_model is get_user_model():
            return users.get(value, f"user #{value}")
        return f"#{value}"
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def _events_for(records, users, exclude_m2m):
    """Pair each row with the previous row of the same object and diff them."""
    events = []
    previous = {}
    for record in records:
        model = record.instance_type
        changes = []
        if record.history_type == "~" and record.id in previous:
            delta = record.diff_against(previous[record.id], excluded_fields=exclude_m2m)
            for change in delta.changes:
                if change.field in IGNORED:
                    continue
                field = model._meta.get_field(change.field)
                changes.append({
                    "field": str(field.verbose_name),
                    "old": _value(field, change.old, users),
                    "new": _value(field, change.new, users),
                })
        previous[record.id] = record
        events.append({
            "record": record,
            "model": model._meta.model_name,
            "model_label": str(model._meta.verbose_name).capitalize(),
            "label": _short(record, users),
            "kind": KINDS.get(record.history_type, record.history_type),
            "who": users.get(record.history_user_id, "—") if record.history_user_id else "—",
            "when": record.history_date,
            "reason": record.history_change_reason or "",
            "version": getattr(record, "version", None),
            "changes": changes,
        })
    return events


def _user_names():
    return {
        user.pk: display_name(user)
        for user in get_user_model().objects.only("pk", "username", "first_name", "last_name")
    }


def _restorable(events, existing):
    """Deleted objects whose last history row is the deletion and that do not exist now."""
    last = {}
    for event in events:
        last[(event["model"], event["record"].id)] = event
    return [
        event for key, event in last.items()
        if event["record"].history_type == "-" and key[0] in RESTORABLE
        and event["record"].id not in existing.get(key[0], set())
    ]


def history_of_postmortem(postmortem):
    """{"events": newest first (at most SHOWN), "deleted": restorable rows, "conflicts"}."""
    users = _user_names()
    meeting_ids = list(Meeting.objects.filter(postmortem_id=postmortem.pk)
                       .values_list("pk", flat=True))
    events = []
    existing = {}
    for model, scope in document_scopes(postmortem, meeting_ids):
        m2m = [field.name for field in model._meta.many_to_many]
        records = list(model.history.filter(**scope).order_by("history_date", "history_id"))
        events.extend(_events_for(records, users, m2m))
        name = model._meta.model_name
        if name in RESTORABLE:
            existing[name] = set(model._default_manager.filter(**scope).values_list(
                "pk", flat=True)) if "meeting_id__in" not in scope else set(
                model._default_manager.filter(meeting_id__in=meeting_ids).values_list(
                    "pk", flat=True))
    events.sort(key=lambda event: (event["when"], event["record"].history_id))
    deleted = _restorable(events, existing)
    objects = Q(pk__in=[])
    seen = {(event["record"].instance_type._meta.label, event["record"].id)
            for event in events}
    for label, pk in seen:
        objects |= Q(model=label, object_id=pk)
    conflicts = list(EditConflict.objects.filter(objects).select_related("user")[:SHOWN])
    events.reverse()
    return {"events": events[:SHOWN], "total": len(events), "deleted": deleted,
            "conflicts": conflicts}


def history_of_action_item(item_id):
    """The same for one action item (which may have been deleted)."""
    users = _user_names()
    records = list(ActionItem.history.filter(id=item_id).order_by("history_date", "history_id"))
    events = _events_for(records, users, [])
    existing = {"actionitem": set(ActionItem.objects.filter(pk=item_id).values_list(
        "pk", flat=True))}
    deleted = _restorable(events, existing)
    conflicts = list(EditConflict.objects.filter(
        model=ActionItem._meta.label, object_id=item_id).select_related("user"))
    events.reverse()
    return {"events": events, "total": len(events), "deleted": deleted,
            "conflicts": conflicts, "last": records[-1] if records else None}
