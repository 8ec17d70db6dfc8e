"""A note's lines: the ones asked for (priced like any document line, each optionally
pointing at the original's line it corrects, with `restock`), or, for a full credit, what is
left of every line of the original and of its debit notes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput
from invoicing.core.money import ZERO, quantize_money, quantize_quantity
from invoicing.documents import pricing as line_pricing
from invoicing.documents import totals
from invoicing.invoices.models import Invoice, InvoiceLine

from .models import ModificationCode, NoteKind, NoteLine, NoteStatus

FIGURES = ("subtotal", "discount_amount", "tax_amount", "total")


def figures_of(built: Sequence[dict]) -> totals.DocumentTotals:
    return totals.summarize([
        totals.line_totals_from_stored(subtotal=line["subtotal"],
                                       discount_amount=line["discount_amount"],
                                       tax_amount=line["tax_amount"], total=line["total"],
                                       taxes=line["taxes"]) for line in built])


def restocked_quantities(invoice_line_ids) -> dict[int, Decimal]:
    """What issued credit notes already brought back, per line of the original."""
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, quantity in NoteLine.objects.filter(
            invoice_line_id__in=list(invoice_line_ids), restock=True,
            note__status=NoteStatus.ISSUED).values_list("invoice_line_id", "quantity"):
        returned[line_id] += quantity
    return returned


def _with_defaults(item: dict, line: InvoiceLine) -> dict:
    """An item that names the original's line takes what it does not say from it."""
    filled = dict(item)
    filled.setdefault("product_id", line.product_id)
    if not filled.get("description"):
        filled["description"] = line.description
    if filled.get("unit_price") is None:
        filled["unit_price"] = line.unit_price
    if filled.get("quantity") is None:
        filled["quantity"] = line.quantity
    if filled.get("tax_ids") is None:
        filled["tax_ids"] = line.tax_ids
    if "discount" not in item and line.discount_type == "percentage":
        filled["discount"], filled["discount_type"] = line.discount, line.discount_type
    return filled


def requested_lines(*, workspace, invoice: Invoice | None, kind: str, code: int,
                    items: Sequence[dict], fiscal: bool) -> list[dict[str, Any]]:
    if not items:
        if code == ModificationCode.CORRECTS_TEXT:
            return []
        raise InvalidInput(_("A note needs at least one line, or `full` for the whole "
                             "document."), field="items")
    originals = {line.pk: line for line in InvoiceLine.objects.filter(invoice=invoice)
                 .select_related("product")} if invoice is not None else {}
    filled, links = [], []
    for index, item in enumerate(items):
        where = f"items.{index}"
        line_id = item.get("invoice_item_id")
        line = None
        if line_id is not None:
            line = originals.get(line_id)
            if line is None:
                raise InvalidInput(_("Not found: no line %(id)s on the document this note "
                                     "modifies.") % {"id": line_id},
                                   field=f"{where}.invoice_item_id")
            item = _with_defaults(item, line)
        restock = bool(item.get("restock"))
        if restock:
            if kind != NoteKind.CREDIT:
                raise InvalidInput(_("Only a credit note brings goods back."),
                                   field=f"{where}.restock")
            if line is None or line.product is None or not line.product.tracks_inventory:
                raise InvalidInput(_("Restock a line of the original that sold goods in "
                                     "inventory."), field=f"{where}.restock")
            if item.get("product_id") != line.product_id:
                raise InvalidInput(_("A restocked line returns the product that was sold."),
                                   field=f"{where}.product_id")
        filled.append({k: v for k, v in item.items()
                       if k not in ("invoice_item_id", "restock")})
        links.append((line, restock))
    priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=filled, fiscal=fiscal)

    returned = restocked_quantities(line.pk for line, restock in links if restock)
    built = []
    for index, (result, (line, restock)) in enumerate(zip(priced, links, strict=True)):
        fields = result.model_fields()
        if code == ModificationCode.CORRECTS_TEXT and fields["total"] != 0:
            raise InvalidInput(_("Code 2 corrects text only: its lines carry no amounts."),
                               field=f"items.{index}.unit_price", code="text_correction_amounts")
        if restock:
            returned[line.pk] += fields["quantity"]
            if returned[line.pk] > line.quantity:
                raise InvalidInput(
                    _("%(description)s: %(sold)s were sold and %(back)s would come back.")
                    % {"description": line.description, "sold": line.quantity.normalize(),
                       "back": returned[line.pk].normalize()},
                    field=f"items.{index}.quantity", code="restock_exceeds_sold")
        built.append(fields | {"invoice_line": line, "restock": restock})
    return built


def _left(source, credited: list) -> dict[str, Any]:
    """A line's figures minus those of the credit lines that corrected it."""
    left = {name: getattr(source, name) - sum((getattr(c, name) for c in credited), ZERO)
            for name in FIGURES}
    taxes = []
    for tax in source.taxes:
        used = sum((Decimal(t["amount"]) for c in credited for t in c.taxes
                    if t["id"] == tax["id"]), ZERO)
        taxes.append({**tax, "amount": str(quantize_money(Decimal(tax["amount"]) - used))})
    left["taxes"] = taxes
    return left


def full_credit_lines(invoice: Invoice | None) -> list[dict[str, Any]]:
    """Code 1, `full`: every line of the original and of its debit notes for what is left of
    it, restocking what inventory lines sold and did not get back yet."""
    if invoice is None:
        raise InvalidInput(_("A full credit needs an invoice of this system; send its lines."),
                           field="full")
    sources = list(InvoiceLine.objects.filter(invoice=invoice).select_related("product")
                   .order_by("position", "id"))
    debit_sources = list(NoteLine.objects.filter(
        note__invoice=invoice, note__document_type=NoteKind.DEBIT,
        note__status=NoteStatus.ISSUED).order_by("note_id", "position", "id"))
    credits = list(NoteLine.objects.filter(note__invoice=invoice,
                                           note__document_type=NoteKind.CREDIT,
                                           note__status=NoteStatus.ISSUED))
    by_line, by_debit = defaultdict(list), defaultdict(list)
    for line in credits:
        if line.invoice_line_id:
            by_line[line.invoice_line_id].append(line)
        elif line.debit_line_id:
            by_debit[line.debit_line_id].append(line)
    if any(not line.invoice_line_id and not line.debit_line_id for line in credits):
        raise InvalidInput(_("Earlier credit notes have free lines, so what is left cannot be "
                             "told line by line: send the lines, with code 1."), field="full")
    returned = restocked_quantities(line.pk for line in sources)
    built = []
    for position, (source, credited, is_invoice_line) in enumerate(
            [(s, by_line[s.pk], True) for s in sources]
            + [(s, by_debit[s.pk], False) for s in debit_sources]):
        left = _left(source, credited)
        if left["total"] <= 0 and left["subtotal"] <= 0:
            continue
        tracked = is_invoice_line and source.product is not None \
            and source.product.tracks_inventory
        back = source.quantity - returned.get(source.pk, ZERO) if is_invoice_line else ZERO
        quantity = back if back > 0 else source.quantity
        untouched = not credited
        built.append({
            "position": position, "product": source.product,
            "description": source.description,
            "quantity": quantize_quantity(quantity if not untouched else source.quantity),
            "unit_price": source.unit_price if untouched
            else quantize_money(left["subtotal"] / quantity),
            "discount": source.discount if untouched else left["discount_amount"],
            "discount_type": source.discount_type if untouched else "amount",
            **left,
            "invoice_line": source if is_invoice_line else None,
            "debit_line": None if is_invoice_line else source,
            "restock": tracked and back > 0,
        })
    return built
