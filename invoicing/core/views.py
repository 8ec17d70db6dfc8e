"""Project-level pages: the dashboard, and error handlers that answer API paths with the
API's error shape."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import csrf as csrf_views
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from invoicing.core.api.errors import json_error
from invoicing.core.discovery import app_modules


def _panels(request) -> list[dict]:
    """Each app may contribute a dashboard panel: `<app>/dashboard.py` with
    `panel(request) -> dict | None` (a fixed number of queries each)."""
    panels = []
    for module in app_modules("dashboard"):
        data = module.panel(request)
        if data:
            panels.append(data)
    return panels


@login_required
def dashboard(request):
    if request.workspace is None:
        return render(request, "core/no_workspace.html")
    return render(request, "core/dashboard.html", {"panels": _panels(request)})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt
def api_not_found(request, exception=None):
    if _is_api(request):
        return json_error("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return json_error("csrf_failed", _("CSRF check failed; API clients send a Bearer key."),
                          403)
    return csrf_views.csrf_failure(request, reason=reason)


def bad_request(request, exception=None):
    """Django answers its own refusals of a request (SuspiciousOperation) here: a body over
    the limit is 413, like everywhere else (core.limits); the rest 400."""
    from django.core.exceptions import RequestDataTooBig

    from invoicing.core.limits import too_large_response

    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request)
    if _is_api(request):
        return json_error("bad_request", _("Bad request."), 400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return json_error(
            "server_error", _("Something went wrong on our side. Nothing was saved."), 500
        )
    return defaults.server_error(request)





def favicon(request):
    """The icon served from our static files (a temporary redirect: its hashed name changes
    with its content)."""
    return redirect(static("favicon.svg"))
