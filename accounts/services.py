"""Writes for users, sign-up and API keys."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, PermissionDenied
from workspaces.authorization import acting_role, requires
from workspaces.models import Workspace
from workspaces.roles import Role, may, role_allows
from workspaces.services import activity_record, workspace_create

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
    # A key is made by a person: the system (None) makes none, it has no one to answer for it.
    creator_role = acting_role(actor, workspace.pk) if actor is not None else None
    if not may(creator_role, "api_key_create"):
        raise PermissionDenied(_("Only an admin or an owner creates API keys."))
    if not role:
        return api_key_default_role(creator_role)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if not role_allows(creator_role, role):
        raise InvalidInput(_("A key cannot act above your own role (%(role)s).")
                           % {"role": Role(creator_role).label}, field="role")
    return role


@requires("api_key_create")
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


# --- Sign-up --------------------------------------------------------------------------------
# The answer to a sign-up never says whether the email already has an account (no
# enumeration): every valid form answers "check your email". A new address gets a link that
# activates the account and creates its workspace; an address that already has an account gets
# a mail telling its owner, and nothing is created.

SIGNUP_SALT = "accounts.signup"
SIGNUP_MAX_AGE = 3 * 24 * 3600
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignupLinks:
    confirm: Callable[[str], str]  # token -> absolute URL of the confirmation page
    login: str
    password_reset: str


def _is_pending(user: Any) -> bool:
    """Signed up, never confirmed: inactive, never logged in, member of nothing."""
    return (not user.is_active and user.last_login is None
            and not user.memberships.exists())


def signup_request(*, email: str, password: str, name: str, rnc: str,
                   links: SignupLinks) -> None:
    """Start a sign-up (the form has validated the password and the RNC). Sends one mail
    and returns nothing, whether the address is new or taken."""
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            user = User(email=email, is_active=False)
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # a concurrent sign-up with the same address won
                return
        elif _is_pending(user):
            # A second sign-up before the first was confirmed: the newest password wins,
            # and the earlier link stops working (the token covers the password hash).
            user.set_password(password)
            user.save(update_fields=["password"])
        else:
            make_password(password)  # the same work as the other paths: timing tells nothing
            _send_signup_mail(email, "accounts/signup_exists", {
                "login_url": links.login, "password_reset_url": links.password_reset})
            return
    token = signing.dumps({"u": user.pk, "n": name.strip(), "r": rnc,
                           "t": default_token_generator.make_token(user)},
                          salt=SIGNUP_SALT, compress=True)
    _send_signup_mail(email, "accounts/signup_confirm", {
        "confirm_url": links.confirm(token), "name": name.strip(),
        "days": SIGNUP_MAX_AGE // 86400})


def _send_signup_mail(email: str, template: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}_email.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except (OSError, smtplib.SMTPException):
        # Answered like any other sign-up; the operator sees why no mail arrived.
        log.exception("Sign-up: the mail to %s could not be sent", email)


def signup_confirm(*, token: str) -> tuple[Any, Workspace]:
    """Activate a signed-up account and create its workspace (once: logging in afterwards
    changes what the token covers, so the link works one time)."""
    invalid = InvalidInput(_("This link is invalid or has expired. Sign up again, or log in "
                             "if you already confirmed it."), code="invalid_link")
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
        user_id, name, rnc, check = data["u"], data["n"], data["r"], data["t"]
    except (signing.BadSignature, KeyError, TypeError):
        raise invalid from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or not _is_pending(user) \
                or not default_token_generator.check_token(user, check):
            raise invalid
        user.is_active = True
        user.save(update_fields=["is_active"])
        workspace = workspace_create(name=name, owner=user, rnc=rnc)
    return user, workspace
