"""Writes for taxes and a workspace's fiscal defaults (the series' writes are in series.py).
Pages, the API and the admin all come here; each function owns its transaction, locks the
row it changes and records the activity entry in the same transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import DocumentSubtype, DocumentType, Tax, TaxKind
from .ncf_types import NCF_TYPES
from .selectors import (
    tax_is_used,
)
from .series import (  # noqa: F401 - the series' services are part of this API
    _unknown_fields,
    subtype_add_range,
    subtype_create,
    subtype_delete,
    subtype_enter_range,
    subtype_update,
)

DEFAULT_TAXES = [
    ("ITBIS 18%", TaxKind.ITBIS, Decimal("18.00")),
    ("ITBIS 16%", TaxKind.ITBIS, Decimal("16.00")),
    ("ITBIS 0%", TaxKind.ITBIS, Decimal("0.00")),
    ("Exento", TaxKind.EXEMPT, Decimal("0.00")),
    ("Propina legal 10%", TaxKind.TIP, Decimal("10.00")),
]

DEFAULT_FISCAL_SUBTYPES = [
    ("B01", "Crédito fiscal", DocumentType.INVOICE),
    ("B02", "Consumo", DocumentType.INVOICE),
    ("B03", "Nota de débito", DocumentType.DEBIT_NOTE),
    ("B04", "Nota de crédito", DocumentType.CREDIT_NOTE),
    ("B14", "Régimen especial", DocumentType.INVOICE),
    ("B15", "Gubernamental", DocumentType.INVOICE),
    # e-CF (Ley 32-23): they issue once the workspace is an electronic issuer and has
    # entered the range DGII authorised.
    ("E31", "Crédito fiscal electrónica", DocumentType.INVOICE),
    ("E32", "Consumo electrónica", DocumentType.INVOICE),
    ("E33", "Nota de débito electrónica", DocumentType.DEBIT_NOTE),
    ("E34", "Nota de crédito electrónica", DocumentType.CREDIT_NOTE),
    ("E44", "Régimen especial electrónica", DocumentType.INVOICE),
    ("E45", "Gubernamental electrónica", DocumentType.INVOICE),
    ("E46", "Exportaciones electrónica", DocumentType.INVOICE),
]

DEFAULT_PLAIN_SUBTYPES = [
    ("Factura", "INV-", DocumentType.INVOICE),
    ("Cotización", "COT-", DocumentType.QUOTATION),
]


@transaction.atomic
def fiscal_defaults_provision(*, workspace: Workspace) -> None:
    """A new workspace's taxes and subtypes (API.md). The fiscal subtypes have no range until
    the workspace enters the one DGII authorised. Safe to run again."""
    for name, kind, rate in DEFAULT_TAXES:
        Tax.objects.get_or_create(workspace=workspace, name=name,
                                  defaults={"kind": kind, "rate": rate})
    for code, name, document_type in DEFAULT_FISCAL_SUBTYPES:
        DocumentSubtype.objects.get_or_create(
            workspace=workspace, ncf_type=code,
            defaults={"name": name, "document_type": document_type,
                      "padding": NCF_TYPES[code].sequence_digits},
        )
    for name, prefix, document_type in DEFAULT_PLAIN_SUBTYPES:
        DocumentSubtype.objects.get_or_create(
            workspace=workspace, ncf_type=None, prefix=prefix, document_type=document_type,
            defaults={"name": name, "padding": 4},
        )


# --- Taxes ----------------------------------------------------------------------------------
TAX_FIELDS = {"name", "kind", "rate", "is_active"}
# DOMAIN.md "The issuer": the only ITBIS rates; "exento" is a kind of its own.
ITBIS_RATES = frozenset({Decimal("18.00"), Decimal("16.00"), Decimal("0.00")})
RATE_STEP = Decimal("0.01")


def _clean_tax(tax: Tax) -> None:
    """Check a tax's merged state; raise InvalidInput naming the field."""
    tax.name = (tax.name or "").strip()
    if not tax.name:
        raise InvalidInput(_("A tax needs a name."), field="name")
    if len(tax.name) > 80:
        raise InvalidInput(_("Use at most 80 characters."), field="name")
    if tax.kind not in TaxKind.values:
        raise InvalidInput(_("Unknown kind %(kind)s. Use one of: %(kinds)s.")
                           % {"kind": tax.kind, "kinds": ", ".join(TaxKind.values)},
                           field="kind")
    try:
        rate = Decimal(str(tax.rate))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("A number is required."), field="rate") from None
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise InvalidInput(_("The rate is a percentage from 0 to 100."), field="rate")
    if rate != rate.quantize(RATE_STEP):
        raise InvalidInput(_("Use at most 2 decimals."), field="rate")
    tax.rate = rate.quantize(RATE_STEP)
    if tax.kind == TaxKind.EXEMPT and tax.rate != 0:
        raise InvalidInput(_("An exempt tax has a rate of 0."), field="rate")
    if tax.kind == TaxKind.ITBIS and tax.rate not in ITBIS_RATES:
        raise InvalidInput(_("ITBIS rates are 18%, 16% and 0% (exento is its own kind)."),
                           field="rate", code="itbis_rate")
    duplicate = Tax.objects.filter(workspace_id=tax.workspace_id, name__iexact=tax.name)
    if tax.pk:
        duplicate = duplicate.exclude(pk=tax.pk)
    if duplicate.exists():
        raise InvalidInput(_("There is already a tax named %(name)s.") % {"name": tax.name},
                           field="name")


@requires("tax_create")
@transaction.atomic
def tax_create(*, workspace: Workspace, actor: Any, name: str, kind: str,
               rate: Decimal | str | int, is_active: bool = True) -> Tax:
    tax = Tax(workspace=workspace, name=name, kind=kind, rate=rate, is_active=is_active)
    _clean_tax(tax)
    tax.save()
    activity_record(workspace=workspace, actor=actor, verb="created", target=tax,
                    description=f"{tax.name} ({tax.get_kind_display()} {tax.rate}%)")
    return tax


@requires("tax_update")
@transaction.atomic
def tax_update(*, tax: Tax, actor: Any, **fields: Any) -> Tax:
    """Change a tax. Documents keep the copy of each tax they were priced with, so a new
    rate only affects documents priced from now on. A tax in use keeps its kind (a product
    could end up with two ITBIS treatments): create a new tax instead."""
    _unknown_fields(fields, TAX_FIELDS)
    tax = Tax.objects.select_for_update().get(pk=tax.pk)
    before = {name: getattr(tax, name) for name in TAX_FIELDS}
    if "kind" in fields and fields["kind"] != tax.kind and tax_is_used(tax):
        raise Conflict(_("%(name)s is used by products or documents, so its kind cannot "
                         "change; create a new tax instead.") % {"name": tax.name},
                       field="kind")
    for name, value in fields.items():
        setattr(tax, name, value)
    _clean_tax(tax)
    tax.save()
    changed = sorted(name for name in TAX_FIELDS if getattr(tax, name) != before[name])
    activity_record(workspace=tax.workspace, actor=actor, verb="updated", target=tax,
                    description=f"{tax.name} ({tax.get_kind_display()} {tax.rate}%)",
                    data={"fields": changed,
                          "before": {name: str(before[name]) for name in changed}})
    return tax


@requires("tax_delete")
@transaction.atomic
def tax_delete(*, tax: Tax, actor: Any) -> None:
    """Delete an unused tax. One used by a product or a document line is kept (409): it
    can be deactivated instead, which hides it from new documents."""
    tax = Tax.objects.select_for_update().get(pk=tax.pk)
    if tax_is_used(tax):
        raise Conflict(_("%(name)s is used by products or documents; deactivate it instead.")
                       % {"name": tax.name}, code="tax_in_use")
    activity_record(workspace=tax.workspace, actor=actor, verb="deleted", target=tax,
                    description=tax.name)
    try:
        with transaction.atomic():
            tax.delete()
    except (IntegrityError, models.ProtectedError):
        raise Conflict(_("%(name)s is used by products or documents; deactivate it instead.")
                       % {"name": tax.name}, code="tax_in_use") from None
