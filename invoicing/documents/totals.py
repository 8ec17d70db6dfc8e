"""Document totals: one pure module (no ORM, no I/O) for invoices and quotations.

Rules (API.md "Totals", DOMAIN.md "Money"):
- line gross = quantity × unit price;
- line discount = the amount, or gross × percent / 100;
- line net = gross − discount;
- each tax on a line = net × rate / 100;
- every line figure is rounded half-up to 2 decimals on its own, and the document figures
  are sums of the rounded line figures, so the API, the page and the PDF add up to the cent.

The services store these figures, the form preview shows them and the PDF prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.core.money import ZERO, quantize_money

HUNDRED = Decimal("100")
AMOUNT = "amount"
PERCENTAGE = "percentage"
ITBIS_KINDS = frozenset({"itbis", "exempt"})


class LineError(ValueError):
    """A line that can never be valid; `field` is the line's field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class TaxInput:
    id: int
    name: str
    kind: str
    rate: Decimal


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO
    discount_type: str = AMOUNT
    taxes: Sequence[TaxInput] = ()


@dataclass(frozen=True)
class LineTax:
    id: int
    name: str
    kind: str
    rate: Decimal
    amount: Decimal

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "rate": str(self.rate), "amount": str(self.amount)}


@dataclass(frozen=True)
class LineTotals:
    subtotal: Decimal  # gross
    discount_amount: Decimal
    net: Decimal
    tax_amount: Decimal
    total: Decimal
    taxes: tuple[LineTax, ...] = ()


@dataclass(frozen=True)
class TaxRow:
    """One row of the tax breakdown: the base it applies to and what it adds."""

    kind: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    lines: tuple[LineTotals, ...]
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    breakdown: tuple[TaxRow, ...] = field(default=())
    # Net of the lines with no ITBIS (exempt or untaxed): shown apart on the printed invoice.
    exempt_amount: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.subtotal - self.discount

    def rows_of(self, *kinds: str) -> tuple[TaxRow, ...]:
        return tuple(row for row in self.breakdown if row.kind in kinds)

    @property
    def itbis_rows(self) -> tuple[TaxRow, ...]:
        return self.rows_of("itbis")

    @property
    def itbis_amount(self) -> Decimal:
        return sum((row.amount for row in self.itbis_rows), ZERO)

    @property
    def taxed_base(self) -> Decimal:
        return sum((row.base for row in self.itbis_rows if row.rate > 0), ZERO)


def compute_line(line: LineInput) -> LineTotals:
    quantity = Decimal(line.quantity)
    unit_price = Decimal(line.unit_price)
    discount = Decimal(line.discount or 0)
    if quantity <= 0:
        raise LineError("quantity", _("The quantity must be greater than 0."))
    if unit_price < 0:
        raise LineError("unit_price", _("The unit price cannot be negative."))
    if discount < 0:
        raise LineError("discount", _("The discount cannot be negative."))

    gross = quantize_money(quantity * unit_price)
    if line.discount_type == PERCENTAGE:
        if discount > HUNDRED:
            raise LineError("discount", _("A percentage discount is between 0 and 100."))
        discount_amount = quantize_money(gross * discount / HUNDRED)
    elif line.discount_type == AMOUNT:
        discount_amount = quantize_money(discount)
    else:
        raise LineError("discount_type", _("The discount type is 'amount' or 'percentage'."))
    if discount_amount > gross:
        raise LineError("discount", _("The discount (%(discount)s) is larger than the line's "
                                      "gross amount (%(gross)s).")
                        % {"discount": discount_amount, "gross": gross})

    net = gross - discount_amount
    taxes = tuple(
        LineTax(id=tax.id, name=tax.name, kind=tax.kind, rate=Decimal(tax.rate),
                amount=quantize_money(net * Decimal(tax.rate) / HUNDRED))
        for tax in line.taxes
    )
    tax_amount = sum((tax.amount for tax in taxes), ZERO)
    return LineTotals(subtotal=gross, discount_amount=discount_amount, net=net,
                      tax_amount=tax_amount, total=net + tax_amount, taxes=taxes)


def compute_totals(lines: Iterable[LineInput]) -> DocumentTotals:
    computed = tuple(compute_line(line) for line in lines)
    return summarize(computed)


def summarize(lines: Sequence[LineTotals]) -> DocumentTotals:
    """Document figures from line figures already computed (or stored)."""
    rows: dict[tuple[str, Decimal, str], list[Decimal]] = {}
    exempt = ZERO
    for line in lines:
        if not any(tax.kind == "itbis" for tax in line.taxes):
            exempt += line.net
        for tax in line.taxes:
            base_amount = rows.setdefault((tax.kind, tax.rate, tax.name), [ZERO, ZERO])
            base_amount[0] += line.net
            base_amount[1] += tax.amount
    breakdown = tuple(
        TaxRow(kind=kind, name=name, rate=rate, base=base, amount=amount)
        for (kind, rate, name), (base, amount) in sorted(
            rows.items(), key=lambda item: (_KIND_ORDER.get(item[0][0], 9), -item[0][1],
                                            item[0][2]))
    )
    subtotal = sum((line.subtotal for line in lines), ZERO)
    discount = sum((line.discount_amount for line in lines), ZERO)
    tax = sum((line.tax_amount for line in lines), ZERO)
    return DocumentTotals(lines=tuple(lines), subtotal=subtotal, discount=discount, tax=tax,
                          total=subtotal - discount + tax, breakdown=breakdown,
                          exempt_amount=exempt)


_KIND_ORDER = {"itbis": 0, "exempt": 1, "tip": 2, "isc": 3, "other": 4}


def line_totals_from_stored(*, subtotal, discount_amount, tax_amount, total,
                            taxes: Iterable[dict]) -> LineTotals:
    """Rebuild a line's figures from a stored line (its JSON tax copies), for summaries of
    documents already saved (the PDF, the detail page)."""
    return LineTotals(
        subtotal=subtotal, discount_amount=discount_amount, net=subtotal - discount_amount,
        tax_amount=tax_amount, total=total,
        taxes=tuple(LineTax(id=t["id"], name=t["name"], kind=t["kind"],
                            rate=Decimal(t["rate"]), amount=Decimal(t["amount"]))
                    for t in taxes),
    )


def summarize_stored(lines: Iterable) -> DocumentTotals:
    """`summarize` over model lines (InvoiceLine/QuotationLine instances)."""
    return summarize([
        line_totals_from_stored(subtotal=line.subtotal, discount_amount=line.discount_amount,
                                tax_amount=line.tax_amount, total=line.total, taxes=line.taxes)
        for line in lines
    ])
