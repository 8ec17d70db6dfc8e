"""Writes for users and API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import ApiKey, generate_api_key, hash_api_key

User = get_user_model()


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    clear_key: str  # shown once; only its hash is stored


@requires("api_key_create")
@transaction.atomic
def api_key_create(*, workspace: Workspace, actor: Any, name: str) -> IssuedApiKey:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the key a name, e.g. the system that will use it."),
                           field="name")
    clear = generate_api_key()
    key = ApiKey.objects.create(
        workspace=workspace, name=name[:100], prefix=clear[:12], key_hash=hash_api_key(clear),
        created_by=actor,
    )
    activity_record(workspace=workspace, actor=actor, verb="api_key_created", target=key,
                    description=name)
    return IssuedApiKey(api_key=key, clear_key=clear)


@requires("api_key_revoke")
@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Any) -> ApiKey:
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise Conflict(_("This key is already revoked."))
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    activity_record(workspace=api_key.workspace, actor=actor, verb="api_key_revoked",
                    target=api_key, description=api_key.name)
    return api_key


def user_get_or_create(*, email: str, password: str | None = None,
                       full_name: str = "") -> tuple[Any, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if not password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, True
