"""Writes for users and API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, PermissionDenied
from workspaces.models import Workspace
from workspaces.roles import MANAGE, Role, role_allows
from workspaces.services import acting_role, activity_record

from .models import ApiKey, generate_api_key, hash_api_key

User = get_user_model()


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    clear_key: str  # shown once; only its hash is stored


def api_key_default_role(creator_role: str) -> str:
    """A key acts as its creator at most, and as an admin at most unless asked for more: an
    owner's key with owner rights is a choice, not an accident."""
    return creator_role if not role_allows(creator_role, Role.OWNER) else Role.ADMIN


def api_key_roles_for(creator_role: str | None) -> list[str]:
    """The roles a key made by someone with `creator_role` may have, least first."""
    return [role for role in Role.values if creator_role and role_allows(creator_role, role)]


def api_key_check(*, workspace: Workspace, actor: Any, role: str | None = None) -> str:
    """The role a key `actor` creates would have (`role`, or the default for them); raises
    PermissionDenied when they may not create keys, InvalidInput when `role` is above
    theirs. Forms call it to show the refusal; `api_key_create` calls it to enforce it."""
    creator_role = acting_role(workspace=workspace, actor=actor) if actor is not None else None
    if not role_allows(creator_role, MANAGE):
        raise PermissionDenied(_("Only an admin or an owner creates API keys."))
    if not role:
        return api_key_default_role(creator_role)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if not role_allows(creator_role, role):
        raise InvalidInput(_("A key cannot act above your own role (%(role)s).")
                           % {"role": Role(creator_role).label}, field="role")
    return role


@transaction.atomic
def api_key_create(*, workspace: Workspace, actor: Any, name: str,
                   role: str | None = None) -> IssuedApiKey:
    """A new key acting with `role` (default `api_key_default_role` of the creator's), never
    above the creator's own role in the workspace."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the key a name, e.g. the system that will use it."),
                           field="name")
    role = api_key_check(workspace=workspace, actor=actor, role=role)
    clear = generate_api_key()
    key = ApiKey.objects.create(
        workspace=workspace, name=name[:100], role=role, prefix=clear[:12],
        key_hash=hash_api_key(clear), created_by=actor,
    )
    activity_record(workspace=workspace, actor=actor, verb="api_key_created", target=key,
                    description=_("%(name)s, acting as %(role)s")
                    % {"name": name, "role": Role(role).label}, data={"role": role})
    return IssuedApiKey(api_key=key, clear_key=clear)


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
