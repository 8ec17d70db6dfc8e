"""Writes for currencies and their exchange-rate history (re-exported by `services`)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from invoicing.core.money import quantize_rate

from .activity import activity_record
from .authorization import requires
from .models import Currency, ExchangeRate, Workspace

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


def with_rate_history(queryset: models.QuerySet) -> models.QuerySet:
    """Currencies annotated with `has_rates`, so `exchange_rate_known` needs no query per row."""
    return queryset.annotate(has_rates=models.Exists(
        ExchangeRate.objects.filter(currency=models.OuterRef("pk"))))


def exchange_rate_known(currency: Currency) -> bool:
    """Whether anyone has said what the currency is worth: the default currency, one with a
    rate in its history, or one whose current rate is not the placeholder 1 it starts with.
    A new workspace's USD has none, so an invoice in USD cannot silently go out at 1:1."""
    if currency.is_default or currency.exchange_rate != ONE:
        return True
    has_rates = getattr(currency, "has_rates", None)
    if has_rates is None:
        has_rates = ExchangeRate.objects.filter(currency=currency).exists()
    return has_rates


def exchange_rate_for_issue(*, currency: Currency, on: datetime.date,
                            field: str = "currency_id") -> Decimal:
    """The rate an issued document takes (`exchange_rate_on`), refused while no rate has
    been entered for the currency."""
    if not exchange_rate_known(currency):
        raise InvalidInput(
            _("No exchange rate entered for %(code)s yet: enter the rate in force (Settings → "
              "Currencies → %(code)s) before issuing in %(code)s.") % {"code": currency.code},
            field=field)
    return exchange_rate_on(currency=currency, on=on)


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
