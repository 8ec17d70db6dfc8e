"""Who may do what: the role an actor acts with in a workspace, checked against the role
table (`roles.ACTION_ROLES`) by the services themselves, so the API, the pages, the admin and
the jobs are all held to it.

An actor is a user (their membership's role; a Django superuser acts as an owner), a user
bound to the role of the credential they came with (an API key's own role, the session's
membership: `bind_role`), or None/`SYSTEM` for scheduled jobs and the outbox.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.utils.translation import gettext as _

from invoicing.core.errors import PermissionDenied

from .roles import SYSTEM, Role, least_role, may


def bind_role(user: Any, workspace_id: int, role: str | None) -> None:
    """Remember, on this request's user object, the role it acts with in the workspace."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    roles = getattr(user, "workspace_roles", None) or {}
    roles[workspace_id] = role
    user.workspace_roles = roles


def acting_role(actor: Any, workspace_id: int) -> str | None:
    if actor is None or actor == SYSTEM:
        return SYSTEM
    roles = getattr(actor, "workspace_roles", None)
    if roles and workspace_id in roles:
        return roles[workspace_id]
    if not getattr(actor, "is_active", True):
        return None
    if getattr(actor, "is_superuser", False):
        return Role.OWNER
    from .models import Membership

    role = (Membership.objects.active().filter(user_id=actor.pk, workspace_id=workspace_id)
            .values_list("role", flat=True).first())
    bind_role(actor, workspace_id, role)
    return role


def allowed(actor: Any, workspace_id: int, action: str) -> bool:
    return may(acting_role(actor, workspace_id), action)


def authorize(actor: Any, workspace_id: int, action: str) -> None:
    """Raise PermissionDenied (403) unless the actor's role reaches the action's."""
    if not allowed(actor, workspace_id, action):
        raise PermissionDenied(
            _("Your role in this workspace does not allow this (it needs %(role)s or above).")
            % {"role": Role(least_role(action)).label}, code="permission_denied")


def _workspace_id(kwargs: dict) -> int:
    workspace = kwargs.get("workspace")
    if workspace is not None:
        return workspace if isinstance(workspace, int) else workspace.pk
    for value in kwargs.values():
        workspace_id = getattr(value, "workspace_id", None)
        if workspace_id is not None:
            return workspace_id
    raise TypeError("the service has no workspace= or workspace-scoped argument to check")


def requires(action: str):
    """A service decorator: check the actor against the role table before anything runs."""
    least_role(action)  # a typo in a service's action name fails at import

    def decorator(service):
        @wraps(service)
        def checked(*args, actor: Any = None, **kwargs):
            authorize(actor, _workspace_id(kwargs), action)
            return service(*args, actor=actor, **kwargs)

        checked.action = action
        return checked

    return decorator
