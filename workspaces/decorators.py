"""Page guards: a page names the work it does (READ, SELL, FISCAL, MANAGE)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .roles import READ, role_allows


def workspace_required(role: str = READ):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "workspace", None) is None:
                return redirect("dashboard")
            if not role_allows(request.workspace_role, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
