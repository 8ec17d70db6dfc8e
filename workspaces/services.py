"""Writes for workspaces, members, currencies and the activity log."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, NotFound
from invoicing.core.money import quantize_rate

from .models import Activity, Currency, ExchangeRate, Membership, Workspace
from .roles import Role

User = get_user_model()


# --- Activity log ---------------------------------------------------------------------------
def activity_record(
    *,
    workspace: Workspace,
    actor: Any,
    verb: str,
    target: models.Model,
    description: str = "",
    data: dict | None = None,
) -> Activity:
    """Append to the workspace's activity log; call inside the service's transaction."""
    return Activity.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        description=description[:300],
        data=data or {},
    )


def activity_for(target: models.Model):
    return Activity.objects.filter(
        workspace_id=target.workspace_id, target_type=target._meta.label_lower,
        target_id=target.pk,
    ).select_related("actor")


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
@transaction.atomic
def member_add(*, workspace: Workspace, actor: Any, email: str, role: str,
               password: str | None = None) -> Membership:
    """Add a user (created when new, with an unusable password until they reset it)."""
    email = email.strip().lower()
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
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


def _owners_left(workspace: Workspace, excluding: Membership) -> int:
    return (Membership.objects.filter(workspace=workspace, role=Role.OWNER)
            .exclude(pk=excluding.pk).count())


@transaction.atomic
def member_change_role(*, membership: Membership, actor: Any, role: str) -> Membership:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and role != Role.OWNER and \
            _owners_left(membership.workspace, membership) == 0:
        raise Conflict(_("A workspace keeps at least one owner."))
    membership.role = role
    membership.save(update_fields=["role"])
    activity_record(workspace=membership.workspace, actor=actor, verb="member_role_changed",
                    target=membership.workspace,
                    description=_("%(email)s is now %(role)s")
                    % {"email": membership.user.email, "role": Role(role).label})
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor: Any) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and _owners_left(membership.workspace, membership) == 0:
        raise Conflict(_("A workspace keeps at least one owner."))
    activity_record(workspace=membership.workspace, actor=actor, verb="member_removed",
                    target=membership.workspace,
                    description=_("%(email)s removed") % {"email": membership.user.email})
    membership.delete()


# --- Currencies -----------------------------------------------------------------------------
def _check_iso_code(code: str) -> str:
    from .iso4217 import CODES

    code = (code or "").strip().upper()
    if code not in CODES:
        raise InvalidInput(_("%(code)s is not an ISO 4217 currency code.") % {"code": code},
                           field="code")
    return code


def exchange_rate_on(*, currency: Currency, on: datetime.date) -> Decimal:
    """The rate in force on a date: the latest entry effective on or before it. The default
    currency is always 1; a currency without history falls back to its current rate."""
    if currency.is_default:
        return Decimal("1.0000")
    rate = (ExchangeRate.objects.filter(currency=currency, effective_date__lte=on)
            .order_by("-effective_date", "-id").values_list("rate", flat=True).first())
    return rate if rate is not None else currency.exchange_rate


@transaction.atomic
def exchange_rate_set(*, currency: Currency, actor: Any, rate: Decimal,
                      effective_date: datetime.date | None = None) -> ExchangeRate:
    """Record a rate (replacing one already entered for that day) and refresh the
    currency's current rate."""
    if currency.is_default:
        raise InvalidInput(_("The default currency's rate is always 1."), field="exchange_rate")
    rate = quantize_rate(rate)
    if rate <= 0:
        raise InvalidInput(_("The exchange rate must be greater than 0."), field="exchange_rate")
    effective_date = effective_date or timezone.localdate()
    entry, _created = ExchangeRate.objects.update_or_create(
        workspace_id=currency.workspace_id, currency=currency, effective_date=effective_date,
        defaults={"rate": rate},
    )
    current = exchange_rate_on(currency=currency, on=timezone.localdate())
    Currency.objects.filter(pk=currency.pk).update(exchange_rate=current)
    currency.exchange_rate = current
    activity_record(workspace=currency.workspace, actor=actor, verb="rate_set", target=currency,
                    description=f"{currency.code} {rate} ({effective_date.isoformat()})")
    return entry


@transaction.atomic
def currency_create(*, workspace: Workspace, actor: Any, code: str, name: str, symbol: str,
                    exchange_rate: Decimal | None = None, is_default: bool = False) -> Currency:
    code = _check_iso_code(code)
    if Currency.objects.filter(workspace=workspace, code=code).exists():
        raise InvalidInput(_("%(code)s already exists in this workspace.") % {"code": code},
                           field="code")
    currency = Currency.objects.create(
        workspace=workspace, code=code, name=name or code, symbol=symbol or code,
        exchange_rate=Decimal("1.0000"),
    )
    if is_default:
        currency_make_default(currency=currency, actor=actor)
    elif exchange_rate is not None:
        exchange_rate_set(currency=currency, actor=actor, rate=exchange_rate)
    activity_record(workspace=workspace, actor=actor, verb="created", target=currency,
                    description=code)
    return currency


@transaction.atomic
def currency_update(*, currency: Currency, actor: Any, **fields: Any) -> Currency:
    currency = Currency.objects.select_for_update().get(pk=currency.pk)
    if "code" in fields:
        code = _check_iso_code(fields.pop("code"))
        if Currency.objects.filter(workspace_id=currency.workspace_id, code=code) \
                .exclude(pk=currency.pk).exists():
            raise InvalidInput(_("%(code)s already exists in this workspace.") % {"code": code},
                               field="code")
        currency.code = code
    for name in ("name", "symbol", "is_active"):
        if name in fields:
            setattr(currency, name, fields.pop(name))
    if currency.is_default and not currency.is_active:
        raise Conflict(_("The default currency cannot be deactivated."), field="is_active")
    currency.save()
    if fields.get("is_default") and not currency.is_default:
        currency_make_default(currency=currency, actor=actor)
    elif fields.get("is_default") is False and currency.is_default:
        raise Conflict(_("Make another currency the default instead."), field="is_default")
    if fields.get("exchange_rate") is not None and not currency.is_default:
        exchange_rate_set(currency=currency, actor=actor, rate=fields["exchange_rate"])
    activity_record(workspace=currency.workspace, actor=actor, verb="updated", target=currency,
                    description=currency.code)
    return currency


@transaction.atomic
def currency_make_default(*, currency: Currency, actor: Any) -> Currency:
    """Exactly one default per workspace; the new default's rate is 1."""
    Currency.objects.select_for_update().filter(workspace_id=currency.workspace_id)
    Currency.objects.filter(workspace_id=currency.workspace_id, is_default=True) \
        .exclude(pk=currency.pk).update(is_default=False)
    Currency.objects.filter(pk=currency.pk).update(
        is_default=True, is_active=True, exchange_rate=Decimal("1.0000")
    )
    currency.is_default, currency.is_active = True, True
    currency.exchange_rate = Decimal("1.0000")
    return currency


def currency_delete(*, currency: Currency, actor: Any) -> None:
    """Delete an unused currency; one used by a document is deactivated instead (409)."""
    if currency.is_default:
        raise Conflict(_("The default currency cannot be deleted."))
    try:
        with transaction.atomic():
            currency.delete()
    except IntegrityError:
        raise Conflict(_("This currency is used by documents; deactivate it instead.")) \
            from None
    except models.ProtectedError:
        raise Conflict(_("This currency is used by documents; deactivate it instead.")) \
            from None


def get_in_workspace(model: type[models.Model], workspace: Workspace, pk: Any) -> Any:
    try:
        return model._default_manager.get(workspace=workspace, pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Not found.")) from None
