"""Headers on every answer: a Content-Security-Policy that allows only our own scripts,
styles and images (no inline script or style anywhere: templates keep their JavaScript in
static/js and their styles in static/css), and `Cache-Control: no-store` on what a browser or
proxy must not keep: every API answer and every page served to someone signed in."""

from __future__ import annotations

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
])


def _is_private(request) -> bool:
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return False
    if request.path.startswith("/api/"):
        return True
    # Set by AuthenticationMiddleware; absent on answers made before it (static files).
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if _is_private(request):
            response["Cache-Control"] = "no-store"
        return response
