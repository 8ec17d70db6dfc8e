"""Resolve the staff user's active workspace (kept in the session) for pages and the API."""

from __future__ import annotations

from .authorization import bind_role
from .models import Membership

SESSION_KEY = "workspace_id"


def active_membership(request) -> Membership | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = Membership.objects.active().filter(user=user).select_related("workspace")
    wanted = request.session.get(SESSION_KEY)
    membership = None
    if wanted is not None:
        membership = memberships.filter(workspace_id=wanted).first()
    if membership is None:
        membership = memberships.order_by("workspace__name", "workspace_id").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.workspace_id
    return membership


class ActiveWorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # API-key requests carry no session cookie, so this costs them no query.
        membership = active_membership(request)
        request.membership = membership
        request.workspace = membership.workspace if membership else None
        request.workspace_role = membership.role if membership else None
        if membership is not None:
            bind_role(request.user, membership.workspace_id, membership.role)
        return self.get_response(request)
