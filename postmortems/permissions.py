"""Who may change which part of a postmortem, written once (the roles are in accounts.roles).

- An editor or admin edits any incident, postmortem, timeline, why, factor, action item and
  meeting; only an admin deletes an incident.
- The incident owner and the postmortem author edit their own, whatever their role.
- A published postmortem is editable by editors and admins only; each change after publishing is
  marked in the history (see revisions.concurrency).
"""

from django.core.exceptions import PermissionDenied

from accounts.roles import EDITOR, VIEWER, has_role
from postmortems.models import ActionItem, Incident, Meeting, Postmortem


def postmortem_of(obj):
    """The postmortem an editable object belongs to (None when there is none yet)."""
    if isinstance(obj, Postmortem):
        return obj
    if isinstance(obj, Incident):
        if Incident.postmortem.is_cached(obj):  # read with it (select_related), or None
            return getattr(obj, "postmortem", None)
        return Postmortem.objects.filter(incident_id=obj.pk).first()
    if isinstance(obj, ActionItem):
        return Postmortem.objects.filter(incident_id=obj.incident_id).first()
    if isinstance(obj, Meeting):
        return obj.postmortem
    postmortem_id = getattr(obj, "postmortem_id", None)
    if postmortem_id is not None:
        return Postmortem.objects.filter(pk=postmortem_id).first()
    meeting_id = getattr(obj, "meeting_id", None)
    if meeting_id is not None:
        return Postmortem.objects.filter(meetings__pk=meeting_id).first()
    return None


def _incident_of(obj, postmortem):
    if isinstance(obj, Incident):
        return obj
    if postmortem is not None:
        return postmortem.incident
    incident_id = getattr(obj, "incident_id", None)
    return Incident.objects.filter(pk=incident_id).first() if incident_id else None


def in_trash(obj):
    """Is ``obj`` (a part of an incident, maybe not saved, e.g. a deleted row from the history)
    under an incident in the trash? Nobody changes those until it is restored."""
    incident_id = getattr(obj, "incident_id", None)
    if incident_id is None:
        postmortem_id = getattr(obj, "postmortem_id", None)
        if postmortem_id is None and getattr(obj, "meeting_id", None) is not None:
            postmortem_id = (Meeting._base_manager.filter(pk=obj.meeting_id)
                             .values_list("postmortem_id", flat=True).first())
        incident_id = (Postmortem._base_manager.filter(pk=postmortem_id)
                       .values_list("incident_id", flat=True).first())
    return Incident.all_objects.in_trash().filter(pk=incident_id).exists()


def can_edit(user, obj):
    """May ``user`` change ``obj`` (an incident, postmortem, a part of one, or a meeting)?"""
    if not has_role(user, VIEWER):
        return False
    postmortem = postmortem_of(obj)
    if has_role(user, EDITOR):
        return True
    return _owns(user, _incident_of(obj, postmortem), postmortem)


def _owns(user, incident, postmortem):
    """The rule for users below the editor role: their own, until it is published."""
    if postmortem is not None and postmortem.is_published:
        return False
    if incident is not None and incident.owner_id == user.pk:
        return True
    return postmortem is not None and postmortem.author_id == user.pk


def editable_action_items(user, items):
    """The pks of ``items`` (action items with their incident) ``user`` may change: can_edit
    for a page of items, in one query whatever their number."""
    items = list(items)
    if not has_role(user, VIEWER):
        return set()
    if has_role(user, EDITOR):
        return {item.pk for item in items}
    postmortems = {postmortem.incident_id: postmortem for postmortem in
                   Postmortem.objects.filter(incident_id__in={i.incident_id for i in items})}
    return {item.pk for item in items
            if _owns(user, item.incident, postmortems.get(item.incident_id))}


def require_edit(user, obj):
    """Raise PermissionDenied (403) unless ``user`` may change ``obj``."""
    if not can_edit(user, obj):
        raise PermissionDenied("You can read this, but not change it.")
