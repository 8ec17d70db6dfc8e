"""DGII rules an e-CF must satisfy that its XSD cannot say (DOMAIN.md "e-CF", DGII's
"Formato e-CF v1.0"): which fields each type carries, the billing indicator of each type's
lines, figures with the right decimals, and items that add up to the totals."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.core.money import CENT

from .document import (
    CONSUMER_SUMMARY_LIMIT,
    BillingIndicator,
    EcfDocument,
    EcfType,
    Item,
    PaymentType,
    Totals,
    totals_from_items,
)
from .errors import EcfInvalid, SchemaMessage

ONE_PESO = Decimal("1.00")
NO_EXPIRY = {EcfType.E32, EcfType.E34}
NOTES = {EcfType.E33, EcfType.E34}
# Types whose lines all carry one indicator (DOMAIN.md).
FORCED_INDICATOR = {EcfType.E43: BillingIndicator.EXEMPT, EcfType.E44: BillingIndicator.EXEMPT,
                    EcfType.E47: BillingIndicator.EXEMPT, EcfType.E46: BillingIndicator.ITBIS_0}
BUYER_TAX_ID_REQUIRED = {EcfType.E31, EcfType.E41, EcfType.E45}
BUYER_NAME_REQUIRED = {EcfType.E31, EcfType.E41, EcfType.E44, EcfType.E45, EcfType.E46}
_ENCF = re.compile(r"E(\d{2})\d{10}")
_TAX_ID = re.compile(r"\d{9}|\d{11}")


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class _Problems(list):
    def add(self, element: str, message: str) -> None:
        self.append(SchemaMessage(message=message, element=element))


def _check_header(doc: EcfDocument, out: _Problems) -> None:
    issuer = doc.issuer
    if not _TAX_ID.fullmatch(issuer.rnc or ""):
        out.add("RNCEmisor", _("The issuer needs its RNC (9 digits) or cédula (11) to issue "
                               "e-CF."))
    if not (issuer.legal_name or "").strip():
        out.add("RazonSocialEmisor", _("The issuer needs its name."))
    if not (issuer.address or "").strip():
        out.add("DireccionEmisor", _("DGII requires the issuer's address on every e-CF: enter "
                                     "it in Settings → Company."))
    match = _ENCF.fullmatch(doc.encf or "")
    if not match or int(match.group(1)) != doc.ecf_type.value:
        out.add("eNCF", _("%(encf)s is not an e-NCF of type %(type)s (E, the type, 10 digits).")
                % {"encf": doc.encf, "type": doc.ecf_type.value})
    if doc.ecf_type in NO_EXPIRY and doc.sequence_expiry is not None:
        out.add("FechaVencimientoSecuencia",
                _("An %(type)s carries no sequence expiry.") % {"type": doc.ecf_type.code})
    if doc.ecf_type not in NO_EXPIRY and doc.sequence_expiry is None:
        out.add("FechaVencimientoSecuencia",
                _("An %(type)s needs its sequence's expiry date.") % {"type": doc.ecf_type.code})
    if doc.ecf_type == EcfType.E34 and doc.credit_note_indicator not in (0, 1):
        out.add("IndicadorNotaCredito", _("Every E34 says whether it is within 30 days (0) or "
                                          "after (1)."))
    if doc.ecf_type != EcfType.E34 and doc.credit_note_indicator is not None:
        out.add("IndicadorNotaCredito", _("Only an E34 carries IndicadorNotaCredito."))
    if doc.income_type not in {f"0{n}" for n in range(1, 7)}:
        out.add("TipoIngresos", _("The income type is 01 to 06."))
    if doc.payment_type == PaymentType.CREDIT:
        if doc.payment_deadline is None or doc.payment_deadline < doc.issue_date:
            out.add("FechaLimitePago", _("A sale on credit needs a payment deadline on or after "
                                         "the issue date."))
    elif doc.payment_deadline is not None:
        out.add("FechaLimitePago", _("Only a sale on credit carries a payment deadline."))


def _check_buyer(doc: EcfDocument, out: _Problems) -> None:
    buyer = doc.buyer
    if doc.ecf_type == EcfType.E43:
        if buyer is not None and not buyer.is_empty:
            out.add("Comprador", _("An E43 has no buyer."))
        return
    tax_id = buyer.tax_id if buyer else ""
    if tax_id and not _TAX_ID.fullmatch(tax_id):
        out.add("RNCComprador", _("The buyer's RNC or cédula has 9 or 11 digits."))
    if tax_id and buyer.foreign_id:
        out.add("IdentificadorExtranjero", _("A buyer has an RNC/cédula or a foreign ID, not "
                                             "both."))
    needs_id = doc.ecf_type in BUYER_TAX_ID_REQUIRED
    needs_name = doc.ecf_type in BUYER_NAME_REQUIRED
    if doc.ecf_type == EcfType.E32 and doc.totals.total >= CONSUMER_SUMMARY_LIMIT:
        needs_name = True
        if not (tax_id or (buyer and buyer.foreign_id)):
            out.add("RNCComprador", _("An E32 of RD$250,000 or more identifies its buyer."))
    if doc.ecf_type in (EcfType.E44, EcfType.E46) and not (tax_id or (buyer and buyer.foreign_id)):
        out.add("RNCComprador", _("An %(type)s identifies its buyer (RNC, cédula or foreign ID).")
                % {"type": doc.ecf_type.code})
    if needs_id and not tax_id:
        out.add("RNCComprador", _("An %(type)s needs the buyer's RNC or cédula.")
                % {"type": doc.ecf_type.code})
    if needs_name and not (buyer and buyer.name.strip()):
        out.add("RazonSocialComprador", _("An %(type)s needs the buyer's name.")
                % {"type": doc.ecf_type.code})


def _check_item(doc: EcfDocument, item: Item, out: _Problems) -> None:
    where = f"Item[{item.line_number}]"
    forced = FORCED_INDICATOR.get(doc.ecf_type)
    if forced is not None and item.billing_indicator != forced:
        out.add(f"{where}/IndicadorFacturacion",
                _("Every line of an %(type)s has billing indicator %(indicator)s.")
                % {"type": doc.ecf_type.code, "indicator": forced.value})
    if not item.name.strip():
        out.add(f"{where}/NombreItem", _("Line %(n)s has no name.") % {"n": item.line_number})
    if item.quantity <= 0 or _decimals(item.quantity) > 2:
        out.add(f"{where}/CantidadItem", _("Line %(n)s: the quantity must be above zero, with at "
                                           "most 2 decimals.") % {"n": item.line_number})
    if item.unit_price < 0 or _decimals(item.unit_price) > 4:
        out.add(f"{where}/PrecioUnitarioItem", _("Line %(n)s: the unit price has at most 4 "
                                                 "decimals.") % {"n": item.line_number})
    for name, value in (("MontoItem", item.amount), ("DescuentoMonto", item.discount)):
        if value < 0 or _decimals(value) > 2:
            out.add(f"{where}/{name}", _("Line %(n)s: amounts are positive with 2 decimals.")
                    % {"n": item.line_number})
    expected = item.quantity * item.unit_price - item.discount
    if abs(expected - item.amount) > ONE_PESO:  # DGII's tolerance per line
        out.add(f"{where}/MontoItem", _("Line %(n)s: %(amount)s is not quantity × price − "
                                        "discount (%(expected)s).")
                % {"n": item.line_number, "amount": item.amount,
                   "expected": expected.quantize(CENT)})


def _check_totals(doc: EcfDocument, totals: Totals, expected: Totals, where: str,
                  out: _Problems) -> None:
    # DGII tolerates as many pesos as there are lines between the items and the totals.
    tolerance = ONE_PESO * max(1, len(doc.items))
    pairs = [("MontoGravadoI1", totals.taxed_18, expected.taxed_18),
             ("MontoGravadoI2", totals.taxed_16, expected.taxed_16),
             ("MontoGravadoI3", totals.taxed_0, expected.taxed_0),
             ("MontoExento", totals.exempt, expected.exempt),
             ("TotalITBIS1", totals.itbis_18, expected.itbis_18),
             ("TotalITBIS2", totals.itbis_16, expected.itbis_16),
             ("TotalITBIS3", totals.itbis_0, expected.itbis_0),
             ("MontoImpuestoAdicional", totals.additional_total, expected.additional_total),
             ("MontoNoFacturable", totals.non_billable, expected.non_billable)]
    for name, given, summed in pairs:
        if (given is None) != (summed is None) or (
                given is not None and abs(given - summed) > tolerance):
            out.add(f"{where}/{name}", _("%(name)s (%(given)s) is not the sum of the lines "
                                         "(%(summed)s).")
                    % {"name": name, "given": given, "summed": summed})
    parts = [totals.taxed_total, totals.exempt, totals.itbis_total, totals.additional_total]
    if sum((p for p in parts if p is not None), Decimal(0)) != totals.total:
        out.add(f"{where}/MontoTotal", _("MontoTotal is not taxed + exempt + ITBIS + other "
                                         "taxes."))


def _check_reference(doc: EcfDocument, out: _Problems) -> None:
    reference = doc.reference
    if doc.ecf_type in NOTES and reference is None:
        out.add("InformacionReferencia", _("A note names the document it modifies."))
    if reference is None:
        return
    if len(reference.modified_ncf) not in (11, 13, 19):
        out.add("NCFModificado", _("The modified NCF has 11, 13 or 19 characters."))
    allowed = {1, 2, 3} if doc.ecf_type in NOTES else {4, 5}
    if reference.modification_code not in allowed:
        out.add("CodigoModificacion", _("Modification code %(code)s does not apply to an "
                                        "%(type)s.") % {"code": reference.modification_code,
                                                        "type": doc.ecf_type.code})
    if reference.modification_code == 1 and doc.ecf_type != EcfType.E34:
        out.add("CodigoModificacion", _("Only a credit note annuls a document (code 1)."))


def problems(doc: EcfDocument) -> list[SchemaMessage]:
    out = _Problems()
    _check_header(doc, out)
    _check_buyer(doc, out)
    if not doc.items:
        out.add("DetallesItems", _("An e-CF has at least one line."))
    numbers = [item.line_number for item in doc.items]
    if numbers != list(range(1, len(numbers) + 1)):
        out.add("NumeroLinea", _("Lines are numbered 1, 2, 3… in order."))
    for item in doc.items:
        _check_item(doc, item, out)
    if doc.items:
        _check_totals(doc, doc.totals, totals_from_items(doc.items), "Totales", out)
    if doc.other_currency is not None:
        currency = doc.other_currency
        if currency.code == "DOP" or not re.fullmatch(r"[A-Z]{3}", currency.code):
            out.add("TipoMoneda", _("The other currency is an ISO code other than DOP."))
        if currency.rate <= 0 or currency.rate >= 1000 or _decimals(currency.rate) > 4:
            out.add("TipoCambio", _("The exchange rate is above 0 and below 1000, with at most "
                                    "4 decimals."))
        if any(item.other_currency is None for item in doc.items):
            out.add("OtraMonedaDetalle", _("Every line carries its figures in the other "
                                           "currency."))
        elif doc.items:
            _check_totals(doc, currency.totals,
                          totals_from_items(doc.items, in_other_currency=True), "OtraMoneda",
                          out)
    _check_reference(doc, out)
    return list(out)


def check_document(doc: EcfDocument) -> None:
    found = problems(doc)
    if found:
        raise EcfInvalid(found)
