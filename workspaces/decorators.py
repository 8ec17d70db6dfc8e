"""Page guards: a page names the action it does (an entry of the role table, or a kind of work
such as READ, SELL, FISCAL, MANAGE)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .roles import READ, least_role, may


def workspace_required(action: str = READ):
    least_role(action)  # a typo fails at import

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "workspace", None) is None:
                return redirect("dashboard")
            if not may(request.workspace_role, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
