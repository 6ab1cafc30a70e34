"""Site-wide roles, written once; both apps import them.

Roles are Django groups named ``viewer``, ``editor`` and ``admin`` (superusers are admins). A user
in none of them has the role POSTMORTEMS_DEFAULT_ROLE (``editor`` unless configured: a team tool
where every SRE writes postmortems; set it to ``viewer`` to make editing opt-in).

- viewer: reads everything.
- editor: edits incidents, postmortems, action items, meetings and SLOs.
- admin: what an editor can, plus deleting (incidents, SLOs) and managing roles.
"""

from django.conf import settings
from django.contrib.auth.models import Group
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
        role = highest(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        role = role or default_role()
    user._postmortems_role = role
    return role


def highest(names):
    """The highest of the roles among ``names`` (other names ignored), or None."""
    roles = [name for name in names if name in RANK]
    return max(roles, key=RANK.__getitem__) if roles else None


def role_from_claims(claims, claim, role_map):
    """The role a sign-in provider's claims give: the highest role that ``role_map`` maps one of
    the groups in ``claims[claim]`` to, or None. ``claim`` may be a dotted path into nested
    claims (``realm_access.roles``); the groups a list or one string."""
    value = claims
    for key in claim.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return None
    return highest(role_map[group] for group in value if isinstance(group, str)
                   and group in role_map)


def set_role(user, role):
    """Put ``user`` in the group of ``role`` (and out of the other role groups); ``None``
    leaves them in none, so POSTMORTEMS_DEFAULT_ROLE applies."""
    if role is not None and role not in RANK:
        raise ValueError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")
    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_postmortems_role", None)


def has_role(user, role):
    current = role_of(user)
    return current is not None and RANK[current] >= RANK[role]


def require_role(user, role):
    if not has_role(user, role):
        raise PermissionDenied(f"This needs the {role} role.")
