"""API authentication: `Authorization: Bearer <key>`, or a logged-in staff session acting in
its active workspace. Either way the request gets `workspace` and `workspace_role`."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from workspaces.authorization import bind_role

from .models import ApiKey, hash_api_key


def _bind(request, workspace, role, user=None) -> None:
    # Set on the Django request too: DRF's Request proxies reads to it, and middleware,
    # templates and the exception handler look there. The user acts with this role in the
    # services too (workspaces.authorization).
    bind_role(user, workspace.pk, role)
    request.workspace = workspace
    request.workspace_role = role
    request._request.workspace = workspace
    request._request.workspace_role = role




class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send `Authorization: Bearer <api key>`."))
        try:
            clear_key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None

        key = (ApiKey.objects.usable().select_related("workspace", "created_by")
               .filter(key_hash=hash_api_key(clear_key)).first())
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid, revoked or deactivated API key."))

        now = timezone.now()
        resolution = settings.API_KEY_LAST_USED_RESOLUTION
        # Recorded to the minute, so a busy key costs one write a minute, not one a request.
        if key.last_used_at is None or key.last_used_at < now - resolution:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        # The key's own role, never above its creator's (lowered when they are demoted).
        _bind(request, key.workspace, key.role, key.created_by)
        return key.created_by, key

    def authenticate_header(self, request):
        return self.keyword


class WorkspaceSessionAuthentication(authentication.SessionAuthentication):
    """A staff browser session calls the API for its active workspace (CSRF enforced)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        membership = getattr(request._request, "membership", None)
        if membership is None:
            raise exceptions.AuthenticationFailed(_("You are not a member of any workspace."))
        _bind(request, membership.workspace, membership.role, result[0])
        return result
