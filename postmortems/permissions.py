"""Who may change what, written once.

Roles are Django groups named ``viewer``, ``editor`` and ``admin`` (superusers are admins). A user
in none of them has the role POSTMORTEMS_DEFAULT_ROLE (``editor`` unless configured: a team tool
where every SRE writes postmortems; set it to ``viewer`` to make editing opt-in).

- viewer: reads everything.
- editor: edits any incident, postmortem, timeline, why, factor, action item and meeting.
- admin: what an editor can, plus deleting incidents and managing roles (the Django admin).
- The incident owner and the postmortem author edit their own, whatever their role.
- A published postmortem is editable by editors and admins only; each change after publishing is
  marked in the history (see concurrency._reason).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES = [VIEWER, EDITOR, ADMIN]
RANK = {VIEWER: 0, EDITOR: 1, ADMIN: 2}


def default_role():
    role = getattr(settings, "POSTMORTEMS_DEFAULT_ROLE", EDITOR)
    return role if role in RANK else VIEWER


def role_of(user):
    """The user's role; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_postmortems_role", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        role = ADMIN
    else:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        role = max(names, key=RANK.__getitem__) if names else default_role()
    user._postmortems_role = role
    return role


def set_role(user, role):
    """Put ``user`` in the group of ``role`` (and out of the other role groups); ``None``
    leaves them in none, so POSTMORTEMS_DEFAULT_ROLE applies."""
    from django.contrib.auth.models import Group

    if role is not None and role not in RANK:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_postmortems_role", None)


def has_role(user, role):
    current = role_of(user)
    return current is not None and RANK[current] >= RANK[role]


def postmortem_of(obj):
    """The postmortem an editable object belongs to (None when there is none yet)."""
    from postmortems.models import ActionItem, Incident, Postmortem
    from postmortems.models.meetings import Meeting

    if isinstance(obj, Postmortem):
        return obj
    if isinstance(obj, Incident):
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
    from postmortems.models import Incident

    if isinstance(obj, Incident):
        return obj
    if postmortem is not None:
        return postmortem.incident
    incident_id = getattr(obj, "incident_id", None)
    return Incident.objects.filter(pk=incident_id).first() if incident_id else None


def can_edit(user, obj):
    """May ``user`` change ``obj`` (an incident, postmortem, a part of one, or a meeting)?"""
    if not has_role(user, VIEWER):
        return False
    postmortem = postmortem_of(obj)
    if has_role(user, EDITOR):
        return True
    if postmortem is not None and postmortem.is_published:
        return False
    incident = _incident_of(obj, postmortem)
    if incident is not None and incident.owner_id == user.pk:
        return True
    return postmortem is not None and postmortem.author_id == user.pk


def can_create_incident(user):
    return has_role(user, EDITOR)


def can_delete_incident(user):
    return has_role(user, ADMIN)


def require_edit(user, obj):
    """Raise PermissionDenied (403) unless ``user`` may change ``obj``."""
    if not can_edit(user, obj):
        raise PermissionDenied("You can read this, but not change it.")


def require_role(user, role):
    if not has_role(user, role):
        raise PermissionDenied(f"This needs the {role} role.")
