"""Writes for workspaces, members, currencies and the activity log."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, NotFound
from invoicing.core.money import quantize_rate

from .authorization import requires
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
@requires("member_add")
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


@requires("member_change_role")
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


@requires("member_remove")
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
ONE = Decimal("1.0000")


def _check_iso_code(code: str) -> str:
    from .iso4217 import CODES

    code = (code or "").strip().upper()
    if code not in CODES:
        raise InvalidInput(_("%(code)s is not an ISO 4217 currency code.") % {"code": code},
                           field="code")
    return code


def _is_used_by_documents(obj: models.Model) -> bool:
    """Whether any row refers to `obj` through a PROTECT foreign key (documents do), found
    by introspection so workspaces need not import the apps that use currencies."""
    for relation in obj._meta.get_fields(include_hidden=True):
        if (relation.auto_created and not relation.concrete
                and (relation.one_to_many or relation.one_to_one)
                and relation.on_delete is models.PROTECT
                and relation.related_model._default_manager.filter(
                    **{relation.field.name: obj}).exists()):
            return True
    return False


def currency_check(*, workspace: Workspace, currency: Currency | None = None,
                   code: str | None = None, exchange_rate: Any = None,
                   is_active: bool | None = None) -> None:
    """The input checks of `currency_create`/`currency_update`, without writing (forms)."""
    if code is not None:
        code = _check_iso_code(code)
        others = Currency.objects.filter(workspace=workspace, code=code)
        if currency is not None:
            others = others.exclude(pk=currency.pk)
        if others.exists():
            raise InvalidInput(_("%(code)s already exists in this workspace.") % {"code": code},
                               field="code")
        if currency is not None and code != currency.code and _is_used_by_documents(currency):
            raise Conflict(_("Documents in %(code)s exist; its code cannot change. Add the "
                             "other currency instead.") % {"code": currency.code}, field="code")
    if currency is not None and currency.is_default and is_active is False:
        raise Conflict(_("The default currency cannot be deactivated."), field="is_active")
    if exchange_rate is not None:
        rate = _rate(exchange_rate, "exchange_rate")
        if currency is not None and currency.is_default and rate != ONE:
            raise InvalidInput(_("The default currency's rate is always 1."),
                               field="exchange_rate")


def exchange_rate_on(*, currency: Currency, on: datetime.date) -> Decimal:
    """The rate in force on a date: the latest entry effective on or before it. The default
    currency is always 1. Before the first entry, the earliest known rate; without any
    history, the currency's current rate."""
    if currency.is_default:
        return ONE
    rates = ExchangeRate.objects.filter(currency=currency)
    rate = (rates.filter(effective_date__lte=on).order_by("-effective_date", "-id")
            .values_list("rate", flat=True).first())
    if rate is None:
        rate = rates.order_by("effective_date", "id").values_list("rate", flat=True).first()
    return rate if rate is not None else currency.exchange_rate


def _rate(value: Any, field: str) -> Decimal:
    try:
        rate = quantize_rate(value if isinstance(value, Decimal) else Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(_("The exchange rate must be greater than 0."), field=field)
    if rate >= Decimal("1e10"):
        raise InvalidInput(_("This exchange rate is too large."), field=field)
    return rate


@requires("exchange_rate_set")
@transaction.atomic
def exchange_rate_set(*, currency: Currency, actor: Any, rate: Decimal,
                      effective_date: datetime.date | None = None,
                      field: str = "rate") -> ExchangeRate:
    """Record the rate (to the workspace's default currency) in force from a date, today by
    default; one entered for the same day is replaced. Past dates add to the history;
    future ones are refused (the current rate is kept on the currency row). `field` names
    the input at fault in errors."""
    currency = Currency.objects.select_for_update().get(pk=currency.pk)
    if currency.is_default:
        raise InvalidInput(_("The default currency's rate is always 1."), field=field)
    rate = _rate(rate, field)
    today = timezone.localdate()
    effective_date = effective_date or today
    if effective_date > today:
        raise InvalidInput(_("A rate takes effect today or on a past date."),
                           field="effective_date")
    entry, _created = ExchangeRate.objects.update_or_create(
        workspace_id=currency.workspace_id, currency=currency, effective_date=effective_date,
        defaults={"rate": rate},
    )
    current = exchange_rate_on(currency=currency, on=today)
    Currency.objects.filter(pk=currency.pk).update(exchange_rate=current)
    currency.exchange_rate = current
    activity_record(workspace=currency.workspace, actor=actor, verb="rate_set", target=currency,
                    description=f"{currency.code} {rate} ({effective_date.isoformat()})",
                    data={"rate": str(rate), "effective_date": effective_date.isoformat()})
    return entry


@requires("currency_create")
@transaction.atomic
def currency_create(*, workspace: Workspace, actor: Any, code: str, name: str = "",
                    symbol: str = "", exchange_rate: Decimal | None = None,
                    is_default: bool = False, is_active: bool = True) -> Currency:
    """Add an ISO 4217 currency. A rate given here is recorded as today's rate."""
    code = _check_iso_code(code)
    if Currency.objects.filter(workspace=workspace, code=code).exists():
        raise InvalidInput(_("%(code)s already exists in this workspace.") % {"code": code},
                           field="code")
    if is_default and exchange_rate is not None and _rate(exchange_rate, "exchange_rate") != ONE:
        raise InvalidInput(_("The default currency's rate is always 1."), field="exchange_rate")
    if exchange_rate is not None:
        exchange_rate = _rate(exchange_rate, "exchange_rate")
    try:
        with transaction.atomic():
            currency = Currency.objects.create(
                workspace=workspace, code=code, name=(name or "").strip() or code,
                symbol=(symbol or "").strip() or code, exchange_rate=ONE,
                is_active=is_active or is_default,
            )
    except IntegrityError:
        raise InvalidInput(_("%(code)s already exists in this workspace.") % {"code": code},
                           field="code") from None
    activity_record(workspace=workspace, actor=actor, verb="created", target=currency,
                    description=code)
    if is_default:
        currency_make_default(currency=currency, actor=actor)
    elif exchange_rate is not None:
        exchange_rate_set(currency=currency, actor=actor, rate=exchange_rate,
                          field="exchange_rate")
        currency.refresh_from_db(fields=["exchange_rate"])
    return currency


@requires("currency_update")
@transaction.atomic
def currency_update(*, currency: Currency, actor: Any, **fields: Any) -> Currency:
    """Change name, symbol, code (only while no document uses it), active, default, and the
    rate (`exchange_rate`: recorded as today's rate in the history)."""
    unknown = set(fields) - {"code", "name", "symbol", "is_active", "is_default",
                             "exchange_rate"}
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    currency = Currency.objects.select_for_update().get(pk=currency.pk)
    if "code" in fields:
        code = _check_iso_code(fields["code"])
        if code != currency.code:
            if Currency.objects.filter(workspace_id=currency.workspace_id, code=code) \
                    .exclude(pk=currency.pk).exists():
                raise InvalidInput(
                    _("%(code)s already exists in this workspace.") % {"code": code},
                    field="code")
            if _is_used_by_documents(currency):
                raise Conflict(_("Documents in %(code)s exist; its code cannot change. Add "
                                 "the other currency instead.") % {"code": currency.code},
                               field="code")
            currency.code = code
    for name in ("name", "symbol"):
        if name in fields:
            value = (fields[name] or "").strip()
            if not value:
                raise InvalidInput(_("This field may not be blank."), field=name)
            setattr(currency, name, value)
    if "is_active" in fields:
        currency.is_active = bool(fields["is_active"])
    wants_default = fields.get("is_default")
    if currency.is_default and not currency.is_active:
        raise Conflict(_("The default currency cannot be deactivated."), field="is_active")
    if wants_default is False and currency.is_default:
        raise Conflict(_("Make another currency the default instead."), field="is_default")
    rate = fields.get("exchange_rate")
    if rate is not None and (currency.is_default or wants_default) \
            and _rate(rate, "exchange_rate") != ONE:
        raise InvalidInput(_("The default currency's rate is always 1."), field="exchange_rate")
    currency.save()
    activity_record(workspace=currency.workspace, actor=actor, verb="updated", target=currency,
                    description=currency.code, data={"fields": sorted(fields)})
    if wants_default and not currency.is_default:
        currency_make_default(currency=currency, actor=actor)
    elif rate is not None and not currency.is_default:
        exchange_rate_set(currency=currency, actor=actor, rate=rate, field="exchange_rate")
        currency.refresh_from_db(fields=["exchange_rate"])
    return currency


@requires("currency_make_default")
@transaction.atomic
def currency_make_default(*, currency: Currency, actor: Any) -> Currency:
    """Exactly one default per workspace; its rate is 1.

    Rates are to the default currency, so every other active currency's current rate is
    restated against the new default (rate ÷ the new default's old rate) and recorded as
    today's rate. Issued documents keep the rate they froze at issue.
    """
    currencies = list(Currency.objects.select_for_update()
                      .filter(workspace_id=currency.workspace_id).order_by("pk"))
    target = next(c for c in currencies if c.pk == currency.pk)
    if target.is_default:
        return target
    pivot = target.exchange_rate if target.exchange_rate > 0 else ONE
    Currency.objects.filter(workspace_id=currency.workspace_id, is_default=True) \
        .update(is_default=False)
    Currency.objects.filter(pk=target.pk).update(is_default=True, is_active=True,
                                                 exchange_rate=ONE)
    today = timezone.localdate()
    for other in currencies:
        if other.pk == target.pk:
            continue
        rate = quantize_rate(ONE / pivot) if other.is_default else quantize_rate(
            other.exchange_rate / pivot)
        if rate <= 0:
            continue
        ExchangeRate.objects.update_or_create(
            workspace_id=other.workspace_id, currency=other, effective_date=today,
            defaults={"rate": rate})
        Currency.objects.filter(pk=other.pk).update(exchange_rate=rate)
    currency.is_default, currency.is_active, currency.exchange_rate = True, True, ONE
    activity_record(workspace=currency.workspace, actor=actor, verb="made_default",
                    target=currency,
                    description=_("%(code)s is now the default currency") % {
                        "code": currency.code})
    return currency


@requires("currency_delete")
def currency_delete(*, currency: Currency, actor: Any) -> None:
    """Delete an unused currency; one used by a document is kept (409: deactivate it)."""
    if currency.is_default:
        raise Conflict(_("The default currency cannot be deleted."), code="currency_in_use")
    try:
        with transaction.atomic():
            currency = Currency.objects.select_for_update().get(pk=currency.pk)
            activity_record(workspace=currency.workspace, actor=actor, verb="deleted",
                            target=currency, description=currency.code)
            currency.delete()
    except (IntegrityError, models.ProtectedError):
        raise Conflict(_("This currency is used by documents; deactivate it instead."),
                       code="currency_in_use") from None


def get_in_workspace(model: type[models.Model], workspace: Workspace, pk: Any) -> Any:
    try:
        return model._default_manager.get(workspace=workspace, pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Not found.")) from None
