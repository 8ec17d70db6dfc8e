"""Writes for workspaces, members, currencies and the activity log."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

from .activity import activity_for, activity_record  # noqa: F401  (named from here too)
from .authorization import acting_role, requires

# Currencies live in currency_services.py; their services are named from here too.
from .currency_services import (  # noqa: F401
    ONE,
    currency_check,
    currency_create,
    currency_delete,
    currency_make_default,
    currency_update,
    exchange_rate_for_issue,
    exchange_rate_known,
    exchange_rate_on,
    exchange_rate_set,
    with_rate_history,
)
from .models import Currency, Membership, Workspace
from .roles import Role, may, role_allows

User = get_user_model()


# --- Workspaces -----------------------------------------------------------------------------
DEFAULT_CURRENCIES = [
    # code, name, symbol, default
    ("DOP", "Peso dominicano", "RD$", True),
    ("USD", "Dólar estadounidense", "US$", False),
]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def workspace_create(
    *,
    name: str,
    owner: Any,
    rnc: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Workspace:
    """Create a workspace with everything a Dominican business needs on day one.

    The one path for the sign-up page, the admin and `create_workspace`. Each installed app
    whose AppConfig has `provision_workspace(workspace)` adds its defaults (taxes, document
    subtypes…), in INSTALLED_APPS order, inside this transaction.
    """
    name = name.strip()
    if not name:
        raise InvalidInput(_("The workspace needs a name."), field="name")
    rnc = "".join(ch for ch in rnc if ch.isdigit())
    if rnc:
        from stdnum.do import rnc as rnc_check

        if not rnc_check.is_valid(rnc):
            raise InvalidInput(_("%(rnc)s is not a valid RNC.") % {"rnc": rnc}, field="rnc")
    workspace = Workspace.objects.create(
        name=name, slug=_unique_slug(name), rnc=rnc, address=address, phone=phone, email=email
    )
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    workspace_provision(workspace=workspace)
    activity_record(workspace=workspace, actor=owner, verb="created", target=workspace,
                    description=_("Workspace created"))
    return workspace


def workspace_provision(*, workspace: Workspace) -> None:
    """Add the default currencies, then every app's defaults. Safe to run again."""
    for code, name, symbol, is_default in DEFAULT_CURRENCIES:
        Currency.objects.get_or_create(
            workspace=workspace, code=code,
            defaults={"name": name, "symbol": symbol, "is_default": is_default},
        )
    for config in apps.get_app_configs():
        provision = getattr(config, "provision_workspace", None)
        if provision is not None:
            provision(workspace)


@requires("workspace_update")
@transaction.atomic
def workspace_update(*, workspace: Workspace, actor: Any, **fields: Any) -> Workspace:
    allowed = {"name", "rnc", "address", "phone", "email", "logo", "pdf_footer",
               "quotation_validity_days"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "rnc" in fields:
        from stdnum.do import rnc as rnc_check

        fields["rnc"] = "".join(ch for ch in (fields["rnc"] or "") if ch.isdigit())
        if fields["rnc"] and not rnc_check.is_valid(fields["rnc"]):
            raise InvalidInput(_("%(rnc)s is not a valid RNC.") % {"rnc": fields["rnc"]},
                               field="rnc")
    for name, value in fields.items():
        if name == "logo" and value is False:  # the form's "clear" box
            value = ""
        setattr(workspace, name, value)
    workspace.save()
    activity_record(workspace=workspace, actor=actor, verb="updated", target=workspace,
                    description=_("Workspace settings changed"), data={"fields": sorted(fields)})
    return workspace


# --- Members --------------------------------------------------------------------------------
# Who may change whom (API.md "Roles"): an admin manages members below owner; only an owner
# grants or removes the owner role ("owner_grant" in the role table); the last owner stays;
# nobody changes their own role. A Django superuser acts as an owner (the admin); `actor=None`
# is the system (authorization.acting_role).

def member_check(*, workspace: Workspace, actor: Any, role: str | None = None,
                 membership: Membership | None = None, remove: bool = False) -> None:
    """May `actor` add a member with `role`, give `membership` the `role`, or `remove` it?
    PermissionDenied (403) or Conflict (409) if not; the services call it under their lock,
    forms (the admin) to show the refusal before saving."""
    if role is not None and role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    actor_role = acting_role(actor, workspace.pk)
    if not may(actor_role, "member_change_role"):
        raise PermissionDenied(_("Only an admin or an owner manages members."),
                               code="members_need_admin")
    if membership is None:
        if role == Role.OWNER and not may(actor_role, "owner_grant"):
            raise PermissionDenied(_("Only an owner grants the owner role."), field="role",
                                   code="owner_role_reserved")
        return
    if not remove:
        if actor is not None and membership.user_id == actor.pk:
            raise PermissionDenied(_("You cannot change your own role; ask another owner or "
                                     "admin."), field="role", code="own_role")
        if role == membership.role:
            return
    touches_owner = membership.role == Role.OWNER or (not remove and role == Role.OWNER)
    if touches_owner and not may(actor_role, "owner_grant"):
        raise PermissionDenied(_("Only an owner grants or removes the owner role."),
                               field="role", code="owner_role_reserved")
    if membership.role == Role.OWNER and not (
            Membership.objects.filter(workspace=workspace, role=Role.OWNER)
            .exclude(pk=membership.pk).exists()):
        raise Conflict(_("A workspace keeps at least one owner."), code="last_owner")


def _lock_members_of(workspace: Workspace) -> None:
    # Every membership change of a workspace takes its row first: two owners demoting each
    # other at once must not both see "another owner is left".
    Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk").first()


@requires("member_add")
@transaction.atomic
def member_add(*, workspace: Workspace, actor: Any, email: str, role: str,
               password: str | None = None) -> Membership:
    """Add a user (created when new, with an unusable password until they reset it)."""
    email = email.strip().lower()
    _lock_members_of(workspace)
    member_check(workspace=workspace, actor=actor, role=role)
    user, _created = User.objects.get_or_create(email=email)
    if _created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(_("%(email)s is already a member.") % {"email": email}, field="email")
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    activity_record(workspace=workspace, actor=actor, verb="member_added", target=workspace,
                    description=_("%(email)s added as %(role)s")
                    % {"email": email, "role": Role(role).label})
    return membership


def _lock_membership(membership: Membership) -> Membership:
    _lock_members_of(membership.workspace)
    return (Membership.objects.select_for_update().select_related("user", "workspace")
            .get(pk=membership.pk))


@requires("member_change_role")
@transaction.atomic
def member_change_role(*, membership: Membership, actor: Any, role: str) -> Membership:
    """Give a member another role. Their API keys never act above it: keys they created
    with a higher role are lowered to it (and the activity log says so)."""
    membership = _lock_membership(membership)
    workspace = membership.workspace
    member_check(workspace=workspace, actor=actor, role=role, membership=membership)
    if role == membership.role:
        return membership
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    activity_record(workspace=workspace, actor=actor, verb="member_role_changed",
                    target=workspace,
                    description=_("%(email)s is now %(role)s")
                    % {"email": membership.user.email, "role": Role(role).label},
                    data={"user_id": membership.user_id, "from": previous, "to": role})
    _cap_member_keys(membership, actor=actor)
    return membership


@requires("member_remove")
@transaction.atomic
def member_remove(*, membership: Membership, actor: Any) -> None:
    """Remove a member; the API keys they created in the workspace are revoked with them."""
    membership = _lock_membership(membership)
    workspace = membership.workspace
    member_check(workspace=workspace, actor=actor, membership=membership, remove=True)
    activity_record(workspace=workspace, actor=actor, verb="member_removed", target=workspace,
                    description=_("%(email)s removed") % {"email": membership.user.email},
                    data={"user_id": membership.user_id, "role": membership.role})
    _revoke_member_keys(membership, actor=actor)
    membership.delete()


def _member_keys(membership: Membership):
    from accounts.models import ApiKey  # accounts builds on workspaces, not the reverse

    return (ApiKey.objects.select_for_update()
            .filter(workspace_id=membership.workspace_id, created_by_id=membership.user_id,
                    revoked_at__isnull=True).order_by("pk"))


def _revoke_member_keys(membership: Membership, *, actor: Any) -> None:
    now = timezone.now()
    for key in _member_keys(membership):
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
        activity_record(workspace=membership.workspace, actor=actor, verb="api_key_revoked",
                        target=key,
                        description=_("%(name)s revoked: %(email)s left the workspace")
                        % {"name": key.name, "email": membership.user.email},
                        data={"reason": "member_removed", "user_id": membership.user_id})


def _cap_member_keys(membership: Membership, *, actor: Any) -> None:
    for key in _member_keys(membership):
        if role_allows(membership.role, key.role):
            continue
        previous = key.role
        key.role = membership.role
        key.save(update_fields=["role"])
        activity_record(workspace=membership.workspace, actor=actor,
                        verb="api_key_role_lowered", target=key,
                        description=_("%(name)s now acts as %(role)s, like %(email)s")
                        % {"name": key.name, "role": Role(membership.role).label,
                           "email": membership.user.email},
                        data={"reason": "member_role_changed", "from": previous,
                              "to": membership.role, "user_id": membership.user_id})


def get_in_workspace(model: type[models.Model], workspace: Workspace, pk: Any) -> Any:
    try:
        return model._default_manager.get(workspace=workspace, pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Not found.")) from None
