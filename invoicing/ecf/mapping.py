"""An issued invoice (or, when they land, a credit or debit note) → `EcfDocument`.

Reads only what the document froze at issue: `issuer_*` and `buyer_*`, each line's
description and `taxes` copy (`[{id, name, kind, rate, amount}]`, kind itbis / exempt / tip /
isc / other), the currency and its fixed `exchange_rate`, the due date and payment terms.
Note fields (`modified_ncf`, `modified_issue_date`, `modification_code`, `reason`,
`over_30_days`) are read with `getattr`, so the same function serves notes.

A document in another currency: its own figures go in `OtraMoneda`, and every DOP figure is
that line figure × the exchange rate, rounded half-up to the cent on its own, so the DOP
totals are sums of the DOP lines, as in the API.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from invoicing.core.money import ZERO, plain_number, quantize_money

from .document import (
    AdditionalTax,
    BillingIndicator,
    Buyer,
    EcfDocument,
    EcfType,
    Issuer,
    Item,
    ItemInOtherCurrency,
    OtherCurrency,
    PaymentType,
    Reference,
    totals_from_items,
)
from .errors import EcfInvalid, SchemaMessage

LOCAL_CURRENCY = "DOP"
PROPINA_LEGAL = "001"
ITBIS_INDICATORS = {Decimal("18"): BillingIndicator.ITBIS_18,
                    Decimal("16"): BillingIndicator.ITBIS_16,
                    Decimal("0"): BillingIndicator.ITBIS_0}
FORCED = {EcfType.E43: BillingIndicator.EXEMPT, EcfType.E44: BillingIndicator.EXEMPT,
          EcfType.E47: BillingIndicator.EXEMPT, EcfType.E46: BillingIndicator.ITBIS_0}
NO_SEQUENCE_EXPIRY = {EcfType.E32, EcfType.E34}
NAME_LENGTH = 80  # NombreItem; a longer description also goes whole in DescripcionItem
PRICE_STEP = Decimal("0.0001")


def ecf_type_of(document) -> EcfType:
    code = document.document_subtype.ncf_type or ""
    if not code.startswith("E"):
        raise EcfInvalid([SchemaMessage(_("%(number)s is not an electronic (E-series) document.")
                                        % {"number": document.document_number})])
    return EcfType(int(code[1:]))


def _issuer(document) -> Issuer:
    workspace = document.workspace
    return Issuer(rnc=document.issuer_rnc, legal_name=document.issuer_name,
                  address=document.issuer_address,
                  phones=(workspace.phone,) if workspace.phone else (),
                  email=workspace.email, internal_number=str(document.pk or ""))


def _buyer(document) -> Buyer:
    kind, tax_id = document.buyer_tax_id_type, document.buyer_tax_id
    contact = document.contact
    return Buyer(
        tax_id=tax_id if kind in ("rnc", "cedula") else "",
        foreign_id=tax_id if kind == "passport" else "",
        name=document.buyer_name, address=document.buyer_address,
        email=getattr(contact, "email", "") or "",
    )


def _line_taxes(line, number: int, ecf_type: EcfType
                ) -> tuple[BillingIndicator, Decimal, list[AdditionalTax]]:
    """The line's billing indicator, its ITBIS amount and its other taxes by DGII code."""
    where = f"Item[{number}]"
    indicator, itbis, extra = BillingIndicator.EXEMPT, ZERO, []
    for tax in line.taxes or []:
        kind, rate = tax.get("kind"), Decimal(str(tax.get("rate", "0")))
        amount = Decimal(str(tax.get("amount", "0")))
        if kind == "itbis":
            if rate not in ITBIS_INDICATORS:
                raise EcfInvalid([SchemaMessage(_("ITBIS at %(rate)s%% is not a DGII rate (18, "
                                                  "16 or 0).") % {"rate": plain_number(rate)},
                                                element=where)])
            indicator, itbis = ITBIS_INDICATORS[rate], amount
        elif kind == "exempt":
            indicator = BillingIndicator.EXEMPT
        elif kind in ("tip", "isc", "other"):
            code = PROPINA_LEGAL if kind == "tip" else str(tax.get("dgii_code") or "")
            if not code:
                raise EcfInvalid([SchemaMessage(
                    _("The tax “%(name)s” has no DGII code, so it cannot go on an e-CF.")
                    % {"name": tax.get("name", kind)}, element=where)])
            extra.append(AdditionalTax(code=code, rate=rate, amount=amount))
    forced = FORCED.get(ecf_type)
    if forced is not None:
        if itbis > 0:
            raise EcfInvalid([SchemaMessage(
                _("An %(type)s carries no ITBIS; line %(n)s has ITBIS.")
                % {"type": ecf_type.code, "n": number}, element=where)])
        indicator, itbis = forced, ZERO
    return indicator, itbis, extra


def _converted(value: Decimal, rate: Decimal) -> Decimal:
    return quantize_money(value * rate)


def _items(document, ecf_type: EcfType, rate: Decimal | None) -> tuple[Item, ...]:
    items = []
    lines = getattr(document, "ecf_lines", None)
    lines = list(document.lines.all() if lines is None else lines)
    for number, line in enumerate(lines, start=1):
        indicator, itbis, extra = _line_taxes(line, number, ecf_type)
        net = line.subtotal - line.discount_amount
        percent = line.discount if line.discount_type == "percentage" else None
        description = " ".join((line.description or "").split())
        product = line.product
        common = {
            "line_number": number, "billing_indicator": indicator, "name": description,
            "quantity": line.quantity,
            "is_service": product is None or not product.tracks_inventory,
            "discount_percent": percent if line.discount_amount > 0 else None,
            "description": description if len(description) > NAME_LENGTH else "",
        }
        if rate is None:
            items.append(Item(**common, unit_price=line.unit_price, amount=net,
                              discount=line.discount_amount, itbis=itbis,
                              additional_taxes=tuple(extra)))
            continue
        foreign = ItemInOtherCurrency(unit_price=line.unit_price, amount=net,
                                      discount=line.discount_amount, itbis=itbis,
                                      additional_taxes=tuple(extra))
        items.append(Item(
            **common,
            unit_price=(line.unit_price * rate).quantize(PRICE_STEP, rounding=ROUND_HALF_UP),
            amount=_converted(net, rate), discount=_converted(line.discount_amount, rate),
            itbis=_converted(itbis, rate),
            additional_taxes=tuple(AdditionalTax(code=t.code, rate=t.rate,
                                                 amount=_converted(t.amount, rate))
                                   for t in extra),
            other_currency=foreign,
        ))
    return tuple(items)


def _payment(document) -> tuple[PaymentType, date | None]:
    due = getattr(document, "due_date", None)
    if document.total_amount == 0:
        return PaymentType.FREE, None
    if due is not None and due > document.issue_date:
        return PaymentType.CREDIT, due
    return PaymentType.CASH, None


def _reference(document, ecf_type: EcfType) -> tuple[Reference | None, int | None]:
    modified_ncf = getattr(document, "modified_ncf", None)
    if not modified_ncf:
        return None, None
    modified_date = getattr(document, "modified_issue_date", None)
    reference = Reference(modified_ncf=modified_ncf, modified_date=modified_date,
                          modification_code=int(getattr(document, "modification_code", 3)),
                          reason=getattr(document, "reason", "") or "")
    indicator = None
    if ecf_type == EcfType.E34:
        over = getattr(document, "over_30_days", None)
        if over is None and modified_date is not None:
            over = document.issue_date - modified_date > timedelta(days=30)
        indicator = 1 if over else 0
    return reference, indicator


def document_from_invoice(document) -> EcfDocument:
    """The `EcfDocument` of an issued E-series invoice or note (the ORM row, lines and
    subtype loaded or loadable). Raises EcfInvalid when it cannot make a valid e-CF."""
    ecf_type = ecf_type_of(document)
    currency_code = document.currency.code
    rate = None if currency_code == LOCAL_CURRENCY else document.exchange_rate
    items = _items(document, ecf_type, rate)
    payment_type, deadline = _payment(document)
    reference, credit_indicator = _reference(document, ecf_type)
    other = None
    if rate is not None:
        other = OtherCurrency(code=currency_code, rate=rate,
                              totals=totals_from_items(items, in_other_currency=True))
    result = EcfDocument(
        ecf_type=ecf_type, encf=document.document_number, issue_date=document.issue_date,
        issuer=_issuer(document), buyer=_buyer(document), items=items,
        totals=totals_from_items(items),
        sequence_expiry=None if ecf_type in NO_SEQUENCE_EXPIRY else document.ncf_valid_until,
        credit_note_indicator=credit_indicator, payment_type=payment_type,
        payment_deadline=deadline, payment_term=document.payment_term or "",
        other_currency=other, reference=reference,
    )
    result.check()
    return result
