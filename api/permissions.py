"""The pages' roles, applied to the API (the rules themselves are in accounts.roles and
postmortems.permissions; nothing is decided here that the pages decide differently).

- Reading needs the viewer role (every signed-in user has at least that).
- Changing anything needs a session or a ``write`` token; a ``read`` token is refused (403).
- A view may name the role creating (``create_role``) or deleting (``delete_role``) needs;
  otherwise changing an object asks ``can_edit`` (editors, the incident owner, the author).
"""

from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from accounts.models import ApiToken
from accounts.roles import VIEWER, has_role, require_role
from postmortems.permissions import can_edit


class ReadOnlyToken(PermissionDenied):
    pass


class RolePermission(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not has_role(user, VIEWER):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if isinstance(request.auth, ApiToken) and not request.auth.can_write:
            raise PermissionDenied(
                f"The token “{request.auth.name}” is read-only: create a write token to "
                "change anything.")
        role = getattr(view, "create_role", None)
        if getattr(view, "action", None) == "create" and role:
            require_role(user, role)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        role = getattr(view, "delete_role", None)
        if request.method == "DELETE" and role:
            require_role(request.user, role)
            return True
        role = getattr(view, "change_role", None)
        if role:
            require_role(request.user, role)
            return True
        if not can_edit(request.user, obj):
            raise PermissionDenied("You can read this, but not change it.")
        return True
