"""Turning requested document lines into priced lines, shared by invoices and quotations.

`resolve_lines` looks up every product and tax of the request in the workspace with one query
each (so a 20-line document costs what a 1-line one does), fills the defaults of API.md
(description, price and taxes from the product), checks each line's tax treatment, and prices
the lines with the totals module. Errors name the line field (`items.3.discount`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput
from invoicing.core.money import quantize_money, quantize_quantity
from invoicing.fiscal.models import Tax
from invoicing.fiscal.rules import check_fiscal_line_taxes, check_line_taxes
from invoicing.products.models import Product

from . import totals
from .models import DiscountType

# Amounts are stored as NUMERIC(14, 2): anything from here up cannot be stored.
MAX_AMOUNT = Decimal("1000000000000")
MAX_QUANTITY = Decimal("10000000000")  # NUMERIC(14, 4)


@dataclass(frozen=True)
class PricedLine:
    position: int
    product: Product | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    discount_type: str
    taxes: tuple[Tax, ...]
    figures: totals.LineTotals

    def model_fields(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "product": self.product,
            "description": self.description,
            # Stored precision, so the row in memory renders exactly as it reads back.
            "quantity": quantize_quantity(self.quantity),
            "unit_price": quantize_money(self.unit_price),
            "discount": quantize_money(self.discount),
            "discount_type": self.discount_type,
            "taxes": [tax.as_json() for tax in self.figures.taxes],
            "subtotal": self.figures.subtotal,
            "discount_amount": self.figures.discount_amount,
            "tax_amount": self.figures.tax_amount,
            "total": self.figures.total,
        }


def _decimal(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(_("A number is required."), field=field) from None
    if not result.is_finite():
        raise InvalidInput(_("A number is required."), field=field)
    return result


def price_items(*, workspace_id: int, items: Sequence[dict],
                prefix: str = "items") -> list[PricedLine | InvalidInput]:
    """Price each item; a line that cannot be priced gives its error instead. The form's
    live preview shows what it can; `resolve_lines` refuses the whole document."""
    product_ids = {item["product_id"] for item in items if item.get("product_id") is not None}
    products = {
        product.pk: product
        for product in Product.objects.filter(workspace_id=workspace_id, pk__in=product_ids)
        .prefetch_related("taxes")
    } if product_ids else {}
    tax_ids = {tax_id for item in items for tax_id in (item.get("tax_ids") or ())}
    taxes = {tax.pk: tax for tax in Tax.objects.filter(workspace_id=workspace_id,
                                                       pk__in=tax_ids)} if tax_ids else {}
    results: list[PricedLine | InvalidInput] = []
    for index, item in enumerate(items):
        try:
            results.append(_price_line(index, item, f"{prefix}.{index}", products, taxes))
        except InvalidInput as error:
            results.append(error)
    return results


def resolve_lines(*, workspace_id: int, items: Sequence[dict], prefix: str = "items",
                  fiscal: bool = False) -> list[PricedLine]:
    """Price every line or refuse the document with every line's errors. `fiscal`: the
    document is a fiscal one being issued, so each line carries exactly one ITBIS
    treatment (DOMAIN.md "The issuer")."""
    if not items:
        raise InvalidInput(_("A document needs at least one line."), field=prefix)
    priced: list[PricedLine] = []
    errors: dict[str, list[str]] = {}
    for result in price_items(workspace_id=workspace_id, items=items, prefix=prefix):
        if isinstance(result, InvalidInput):
            for name, messages in result.fields.items():
                errors.setdefault(name, []).extend(messages)
            continue
        if fiscal:
            try:
                check_fiscal_line_taxes(result.taxes, field=f"{prefix}.{result.position}.tax_ids")
            except InvalidInput as error:
                for name, messages in error.fields.items():
                    errors.setdefault(name, []).extend(messages)
                continue
        priced.append(result)
    if errors:
        name, messages = next(iter(errors.items()))
        raise InvalidInput(f"{name}: {messages[0]}", fields=errors)
    return priced


def _price_line(index: int, item: dict, where: str, products: dict, taxes: dict) -> PricedLine:
    product = None
    product_id = item.get("product_id")
    if product_id is not None:
        product = products.get(product_id)
        if product is None:
            raise InvalidInput(_("Not found: no product with id %(id)s in this workspace.")
                               % {"id": product_id}, field=f"{where}.product_id")
        if not product.is_active:
            raise InvalidInput(_("The product %(name)s is inactive.") % {"name": product.name},
                               field=f"{where}.product_id")

    description = (item.get("description") or "").strip()
    if not description:
        if product is None:
            raise InvalidInput(_("A line without a product needs a description."),
                               field=f"{where}.description")
        description = product.name

    if item.get("quantity") is None:
        raise InvalidInput(_("This field is required."), field=f"{where}.quantity")
    quantity = _decimal(item["quantity"], f"{where}.quantity")
    if quantity <= 0:
        raise InvalidInput(_("The quantity must be greater than 0."), field=f"{where}.quantity")
    if quantity != quantize_quantity(quantity):
        raise InvalidInput(_("Use at most 4 decimals."), field=f"{where}.quantity")
    if quantity >= MAX_QUANTITY:
        raise InvalidInput(_("This quantity is too large."), field=f"{where}.quantity")

    if item.get("unit_price") is None:
        if product is None:
            raise InvalidInput(_("A line without a product needs a unit price."),
                               field=f"{where}.unit_price")
        unit_price = product.unit_price
    else:
        unit_price = _decimal(item["unit_price"], f"{where}.unit_price")
        if unit_price != quantize_money(unit_price):
            raise InvalidInput(_("Use at most 2 decimals."), field=f"{where}.unit_price")

    discount = _decimal(item.get("discount") or 0, f"{where}.discount")
    discount_type = item.get("discount_type") or DiscountType.AMOUNT

    if item.get("tax_ids") is None:
        line_taxes = tuple(product.taxes.all()) if product is not None else ()
    else:
        line_taxes = []
        for tax_id in item["tax_ids"]:
            tax = taxes.get(tax_id)
            if tax is None:
                raise InvalidInput(_("Not found: no tax with id %(id)s in this workspace.")
                                   % {"id": tax_id}, field=f"{where}.tax_ids")
            if not tax.is_active:
                raise InvalidInput(_("The tax %(name)s is inactive.") % {"name": tax.name},
                                   field=f"{where}.tax_ids")
            if tax not in line_taxes:
                line_taxes.append(tax)
        line_taxes = tuple(line_taxes)
    check_line_taxes(line_taxes, field=f"{where}.tax_ids")

    try:
        figures = totals.compute_line(totals.LineInput(
            quantity=quantity, unit_price=unit_price, discount=discount,
            discount_type=discount_type,
            taxes=[totals.TaxInput(id=t.pk, name=t.name, kind=t.kind, rate=t.rate)
                   for t in line_taxes],
        ))
    except totals.LineError as error:
        raise InvalidInput(error.message, field=f"{where}.{error.field}") from None
    if max(figures.subtotal, figures.total) >= MAX_AMOUNT:
        raise InvalidInput(_("This line's amount is too large."), field=f"{where}.quantity")

    return PricedLine(position=index, product=product, description=description[:500],
                      quantity=quantity, unit_price=unit_price,
                      discount=discount, discount_type=discount_type, taxes=line_taxes,
                      figures=figures)


def document_figures(lines: Sequence[PricedLine], *,
                     prefix: str = "items") -> totals.DocumentTotals:
    figures = totals.summarize([line.figures for line in lines])
    if max(figures.subtotal, figures.total) >= MAX_AMOUNT:
        raise InvalidInput(_("The document's total is too large."), field=prefix)
    return figures
