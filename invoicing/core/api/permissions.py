from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from workspaces.roles import READ, SELL, may


def required_action(view, request) -> str:
    """The role table's entry (workspaces/roles.py) the request needs. Views name each
    action's service in `action_names`; reads default to `read`, other writes to the view's
    `write_role` (a kind of work, itself an entry of the table)."""
    action = getattr(view, "action", None)
    names = getattr(view, "action_names", {})
    if action in names:
        return names[action]
    if request.method in SAFE_METHODS:
        return getattr(view, "read_role", READ)
    return getattr(view, "write_role", SELL)


class WorkspaceRolePermission(BasePermission):
    """The caller acts inside one workspace (an API key's, or the session's active one) with
    a role; the view names the action, the role table says who may do it."""

    message = _("Your role in this workspace does not allow this.")

    def has_permission(self, request, view) -> bool:
        if getattr(request, "workspace", None) is None:
            return False
        return may(getattr(request, "workspace_role", None), required_action(view, request))
