"""Writes for products and the stock ledger.

The ledger is append-only. `Product.stock_quantity` is the sum of the product's movements at
every commit: it changes only here, by `F("stock_quantity") + quantity` in the transaction
that inserts the movement, with the product rows locked.

Exactly-once for jobs (the invoice stock task): a movement may carry a `source_key`, unique
per workspace. Recording a batch inserts with `ON CONFLICT DO NOTHING … RETURNING id`, so the
database itself says which movements are new; only those move the stock. Running the same
batch twice, or two workers running it at once, records each movement once.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from invoicing.core.money import quantize_money
from invoicing.fiscal.models import Tax
from invoicing.fiscal.rules import check_line_taxes
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import Product

# --- Products -------------------------------------------------------------------------------
PRODUCT_FIELDS = ("sku", "name", "description", "unit_price", "cost", "unit",
                  "tracks_inventory", "is_active", "taxes")
TEXT_LIMITS = {"sku": 64, "name": 200, "unit": 20}


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(_("Enter a number."), field=field) from None
    if isinstance(value, float) or not number.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    return number


def _resolve_taxes(workspace: Workspace, taxes: Iterable[Tax | int]) -> list[Tax]:
    """Taxes of this workspace, active, with one ITBIS treatment at most."""
    taxes = list(taxes)
    ids = [tax.pk if isinstance(tax, Tax) else tax for tax in taxes]
    found = {tax.pk: tax for tax in Tax.objects.filter(workspace=workspace, pk__in=ids)}
    resolved = []
    for tax_id in dict.fromkeys(ids):
        tax = found.get(tax_id)
        if tax is None:
            raise InvalidInput(
                _("Not found: no tax with id %(id)s in this workspace.") % {"id": tax_id},
                field="tax_ids",
            )
        if not tax.is_active:
            raise InvalidInput(_("%(name)s is inactive.") % {"name": tax.name}, field="tax_ids")
        resolved.append(tax)
    check_line_taxes(resolved, field="tax_ids")
    return resolved


def _clean_product(product: Product, fields: dict[str, Any]) -> list[Tax] | None:
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    for name in ("sku", "name", "unit", "description"):
        if name in fields:
            setattr(product, name, (fields[name] or "").strip())
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(product, name)) > limit:
            raise InvalidInput(_("At most %(max)s characters.") % {"max": limit}, field=name)
    if not product.sku:
        raise InvalidInput(_("Enter a SKU (the product's code)."), field="sku")
    if not product.name:
        raise InvalidInput(_("Enter the product's name."), field="name")
    if not product.unit:
        product.unit = "unidad"
    for name in ("unit_price", "cost"):
        if name in fields:
            amount = quantize_money(_decimal(fields[name], name))
            if amount < 0:
                raise InvalidInput(_("Must be 0 or more."), field=name)
            if abs(amount) >= Decimal("1e12"):
                raise InvalidInput(_("This amount is too large."), field=name)
            setattr(product, name, amount)
    for name in ("tracks_inventory", "is_active"):
        if name in fields:
            setattr(product, name, bool(fields[name]))
    if product.sku and Product.objects.filter(workspace_id=product.workspace_id,
                                              sku=product.sku).exclude(pk=product.pk).exists():
        raise InvalidInput(
            _("SKU %(sku)s is already used by another product.") % {"sku": product.sku},
            field="sku",
        )
    if "taxes" in fields:
        return _resolve_taxes(product.workspace, fields["taxes"] or [])
    return None


def product_check(*, workspace: Workspace, product: Product | None = None,
                  **fields: Any) -> None:
    """The checks of `product_create`/`product_update`, without writing (admin forms)."""
    draft = Product(workspace=workspace) if product is None else Product.objects.get(
        pk=product.pk)
    _clean_product(draft, fields)


def _save_product(product: Product, taxes: list[Tax] | None) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        # Two writers raced for the same SKU; the unique constraint decided.
        raise InvalidInput(
            _("SKU %(sku)s is already used by another product.") % {"sku": product.sku},
            field="sku",
        ) from None
    if taxes is not None:
        product.taxes.set(taxes)


@requires("product_create")
@transaction.atomic
def product_create(*, workspace: Workspace, actor: Any, sku: str, name: str,
                   description: str = "", unit_price: Decimal | str = Decimal("0.00"),
                   cost: Decimal | str = Decimal("0.00"), unit: str = "unidad",
                   taxes: Iterable[Tax | int] = (), tracks_inventory: bool = False,
                   is_active: bool = True) -> Product:
    """Create a product with its default taxes (Tax objects or ids of this workspace)."""
    product = Product(workspace=workspace)
    resolved = _clean_product(product, {
        "sku": sku, "name": name, "description": description, "unit_price": unit_price,
        "cost": cost, "unit": unit, "taxes": taxes, "tracks_inventory": tracks_inventory,
        "is_active": is_active,
    })
    _save_product(product, resolved)
    activity_record(workspace=workspace, actor=actor, verb="created", target=product,
                    description=_("Product %(sku)s created") % {"sku": product.sku})
    return product


@requires("product_update")
@transaction.atomic
def product_update(*, product: Product, actor: Any, **fields: Any) -> Product:
    """Change a product. `stock_quantity` is not a field here: record a movement."""
    product = Product.objects.select_for_update().select_related("workspace").get(pk=product.pk)
    resolved = _clean_product(product, fields)
    _save_product(product, resolved)
    activity_record(workspace=product.workspace, actor=actor, verb="updated", target=product,
                    description=_("Product %(sku)s changed") % {"sku": product.sku},
                    data={"fields": sorted(fields)})
    return product


@requires("product_set_active")
@transaction.atomic
def product_set_active(*, product: Product, actor: Any, is_active: bool) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.is_active != is_active:
        product.is_active = is_active
        product.save(update_fields=["is_active", "updated_at"])
        activity_record(
            workspace=product.workspace, actor=actor,
            verb="activated" if is_active else "deactivated", target=product,
            description=(_("Product %(sku)s reactivated") if is_active
                         else _("Product %(sku)s deactivated")) % {"sku": product.sku},
        )
    return product


@requires("product_delete")
def product_delete(*, product: Product, actor: Any) -> None:
    """Delete a product nothing refers to. One on an invoice or quotation line, or with
    stock movements (the ledger is history), is kept: 409, deactivate it instead."""
    try:
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product.pk)
            activity_record(workspace=product.workspace, actor=actor, verb="deleted",
                            target=product,
                            description=_("Product %(sku)s deleted") % {"sku": product.sku})
            product.delete()
    except models.ProtectedError:
        raise Conflict(
            _("%(sku)s is used by documents or has stock movements and cannot be deleted; "
              "deactivate it instead.") % {"sku": product.sku},
            code="product_in_use",
        ) from None
