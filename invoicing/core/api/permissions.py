from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from workspaces.roles import READ, SELL, role_allows


def required_role(view, request) -> str:
    """Views declare the role their writes need (`write_role`) and, where an action needs
    more, `action_roles = {"cancel": FISCAL}`."""
    action_roles = getattr(view, "action_roles", {})
    action = getattr(view, "action", None)
    if action in action_roles:
        return action_roles[action]
    if request.method in SAFE_METHODS:
        return getattr(view, "read_role", READ)
    return getattr(view, "write_role", SELL)


class WorkspaceRolePermission(BasePermission):
    """The caller acts inside one workspace (an API key's, or the session's active one) with
    a role; the view says which role the request needs."""

    message = _("Your role in this workspace does not allow this.")

    def has_permission(self, request, view) -> bool:
        if getattr(request, "workspace", None) is None:
            return False
        return role_allows(getattr(request, "workspace_role", None), required_role(view, request))
