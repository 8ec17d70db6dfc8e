"""Builders: an `EcfDocument` → DGII's canonical XML bytes, ready to sign.

Root `<ECF>` with no namespace, children in the schema's order (from the XSD itself, see
`layout.py`), no empty elements, no `Paginacion` (one page), no pretty-printing, texts cut to
the schema's lengths, `FechaHoraFirma` in Santo Domingo time. Each builder validates its
document against DGII's XSD (the libxml2-compatible set) and raises `EcfInvalid` with the
schema's messages when it is not valid. Also here: the RFCE summary of an E32 under
RD$250,000 and the ANECF that voids unused e-NCF ranges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from lxml import etree

from . import schemas
from .document import (
    ITBIS_RATE_OF,
    AdditionalTax,
    EcfDocument,
    EcfType,
    Item,
    Totals,
)
from .errors import EcfInvalid, SchemaMessage
from .layout import render

SANTO_DOMINGO = ZoneInfo("America/Santo_Domingo")
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'

# Optional details that some types simply do not carry: left out there instead of refused.
DROPPABLE = frozenset({
    "NombreComercial", "Sucursal", "TablaTelefonoEmisor", "CorreoEmisor", "WebSite",
    "ActividadEconomica", "CodigoVendedor", "NumeroFacturaInterna", "InformacionAdicionalEmisor",
    "ContactoComprador", "CorreoComprador", "DireccionComprador", "CodigoInternoComprador",
    "TerminoPago", "IndicadorMontoGravado", "TipoIngresos", "DescripcionItem", "UnidadMedida",
})
_EMAIL = re.compile(r"\w+([-+.]\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*")  # DGII's own pattern
_NOT_TERM = re.compile(r"[^\w\s]")


# --- Formats ------------------------------------------------------------------------------
def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def positive_money(value: Decimal | None) -> str | None:
    """For DGII's "> 0" amounts: a zero is left out."""
    return money(value) if value is not None and value > 0 else None


def quantity(value: Decimal) -> str:
    return f"{value:.2f}"


def price(value: Decimal) -> str:
    """2 decimals, or 4 when the price needs them."""
    return f"{value:.2f}" if value == round(value, 2) else f"{value:.4f}"


def rate(value: Decimal) -> str:
    return f"{value:.2f}"


def day(value: date | None) -> str | None:
    return value.strftime("%d-%m-%Y") if value else None


def signing_time(moment: datetime) -> str:
    """`FechaHoraFirma`: dd-MM-yyyy HH:mm:ss in Santo Domingo time (GMT−4)."""
    if moment.tzinfo is None:
        raise ValueError("the signing time must be timezone-aware")
    return moment.astimezone(SANTO_DOMINGO).strftime("%d-%m-%Y %H:%M:%S")


def phone(value: str) -> str | None:
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else None


def email(value: str) -> str | None:
    value = (value or "").strip()
    return value if len(value) <= 80 and _EMAIL.fullmatch(value) else None


# --- The e-CF -----------------------------------------------------------------------------
def _id_doc(doc: EcfDocument) -> dict:
    taxed = any(item.billing_indicator in ITBIS_RATE_OF for item in doc.items)
    return {
        "TipoeCF": doc.ecf_type.value,
        "eNCF": doc.encf,
        "FechaVencimientoSecuencia": day(doc.sequence_expiry),
        "IndicadorNotaCredito": doc.credit_note_indicator,
        # Our prices never include ITBIS: said explicitly where a line is taxed.
        "IndicadorMontoGravado": 0 if taxed else None,
        "TipoIngresos": doc.income_type,
        "TipoPago": int(doc.payment_type),
        "FechaLimitePago": day(doc.payment_deadline),
        "TerminoPago": _NOT_TERM.sub("", doc.payment_term or "")[:15].strip() or None,
    }


def _issuer(doc: EcfDocument) -> dict:
    issuer = doc.issuer
    phones = [p for p in (phone(value) for value in issuer.phones) if p][:3]
    return {
        "RNCEmisor": issuer.rnc,
        "RazonSocialEmisor": issuer.legal_name,
        "NombreComercial": issuer.trade_name,
        "Sucursal": issuer.branch,
        "DireccionEmisor": issuer.address,
        "TablaTelefonoEmisor": {"TelefonoEmisor": phones},
        "CorreoEmisor": email(issuer.email),
        "WebSite": issuer.website,
        "ActividadEconomica": issuer.economic_activity,
        "CodigoVendedor": issuer.seller_code,
        "NumeroFacturaInterna": issuer.internal_number,
        "InformacionAdicionalEmisor": issuer.additional_info,
        "FechaEmision": day(doc.issue_date),
    }


def _buyer(doc: EcfDocument) -> dict | None:
    buyer = doc.buyer
    if buyer is None or doc.ecf_type == EcfType.E43:
        return None
    return {
        "RNCComprador": buyer.tax_id,
        "IdentificadorExtranjero": buyer.foreign_id,
        "RazonSocialComprador": buyer.name,
        "ContactoComprador": buyer.contact,
        "CorreoComprador": email(buyer.email),
        "DireccionComprador": buyer.address,
        "CodigoInternoComprador": buyer.internal_code,
    }


def _additional_tax(tax: AdditionalTax, suffix: str = "") -> dict:
    amount_field = {"specific": "MontoImpuestoSelectivoConsumoEspecifico",
                    "ad_valorem": "MontoImpuestoSelectivoConsumoAdvalorem",
                    "other": "OtrosImpuestosAdicionales"}[tax.kind]
    return {f"TipoImpuesto{suffix}": tax.code, f"TasaImpuestoAdicional{suffix}": rate(tax.rate),
            f"{amount_field}{suffix}": positive_money(tax.amount)}


def _totals(totals: Totals) -> dict:
    def itbis_rate(taxed: Decimal | None, value: int) -> int | None:
        return value if taxed is not None else None

    return {
        "MontoGravadoTotal": money(totals.taxed_total),
        "MontoGravadoI1": money(totals.taxed_18),
        "MontoGravadoI2": money(totals.taxed_16),
        "MontoGravadoI3": money(totals.taxed_0),
        "MontoExento": money(totals.exempt),
        "ITBIS1": itbis_rate(totals.taxed_18, 18),
        "ITBIS2": itbis_rate(totals.taxed_16, 16),
        "ITBIS3": itbis_rate(totals.taxed_0, 0),
        "TotalITBIS": money(totals.itbis_total),
        "TotalITBIS1": money(totals.itbis_18),
        "TotalITBIS2": money(totals.itbis_16),
        "TotalITBIS3": money(totals.itbis_0),
        "MontoImpuestoAdicional": positive_money(totals.additional_total),
        "ImpuestosAdicionales": {"ImpuestoAdicional": [
            _additional_tax(tax) for tax in totals.additional_taxes]},
        "MontoTotal": money(totals.total),
        "MontoNoFacturable": money(totals.non_billable),
        "TotalITBISRetenido": money(totals.itbis_withheld),
        "TotalISRRetencion": money(totals.isr_withheld),
    }


def _other_currency(doc: EcfDocument) -> dict | None:
    currency = doc.other_currency
    if currency is None:
        return None
    totals = currency.totals
    return {
        "TipoMoneda": currency.code,
        "TipoCambio": f"{currency.rate:.4f}",
        "MontoGravadoTotalOtraMoneda": money(totals.taxed_total),
        "MontoGravado1OtraMoneda": money(totals.taxed_18),
        "MontoGravado2OtraMoneda": money(totals.taxed_16),
        "MontoGravado3OtraMoneda": money(totals.taxed_0),
        "MontoExentoOtraMoneda": money(totals.exempt),
        "TotalITBISOtraMoneda": money(totals.itbis_total),
        "TotalITBIS1OtraMoneda": money(totals.itbis_18),
        "TotalITBIS2OtraMoneda": money(totals.itbis_16),
        "TotalITBIS3OtraMoneda": money(totals.itbis_0),
        "MontoImpuestoAdicionalOtraMoneda": positive_money(totals.additional_total),
        "ImpuestosAdicionalesOtraMoneda": {"ImpuestoAdicionalOtraMoneda": [
            _additional_tax(tax, "OtraMoneda") for tax in totals.additional_taxes]},
        "MontoTotalOtraMoneda": money(totals.total),
    }


def _item(item: Item) -> dict:
    discount = None
    if item.discount > 0:
        percent = item.discount_percent
        discount = {"SubDescuento": {
            "TipoSubDescuento": "%" if percent else "$",
            "SubDescuentoPorcentaje": rate(percent) if percent else None,
            "MontoSubDescuento": money(item.discount)}}
    retention = item.retention
    foreign = item.other_currency
    return {
        "NumeroLinea": item.line_number,
        "IndicadorFacturacion": int(item.billing_indicator),
        "Retencion": retention and {
            "IndicadorAgenteRetencionoPercepcion": retention.indicator,
            "MontoITBISRetenido": money(retention.itbis_withheld),
            "MontoISRRetenido": money(retention.isr_withheld)},
        "NombreItem": item.name,
        "IndicadorBienoServicio": 2 if item.is_service else 1,
        "DescripcionItem": item.description,
        "CantidadItem": quantity(item.quantity),
        "UnidadMedida": item.unit_code,
        "PrecioUnitarioItem": price(item.unit_price),
        "DescuentoMonto": money(item.discount) if discount else None,
        "TablaSubDescuento": discount,
        "TablaImpuestoAdicional": {"ImpuestoAdicional": [
            {"TipoImpuesto": code} for code in dict.fromkeys(
                tax.code for tax in item.additional_taxes)]},
        "OtraMonedaDetalle": foreign and {
            "PrecioOtraMoneda": price(foreign.unit_price),
            "DescuentoOtraMoneda": money(foreign.discount) if foreign.discount > 0 else None,
            "MontoItemOtraMoneda": money(foreign.amount)},
        "MontoItem": money(item.amount),
    }


def _reference(doc: EcfDocument) -> dict | None:
    reference = doc.reference
    if reference is None:
        return None
    return {"NCFModificado": reference.modified_ncf,
            "RNCOtroContribuyente": reference.other_taxpayer_rnc,
            "FechaNCFModificado": day(reference.modified_date),
            "CodigoModificacion": reference.modification_code,
            "RazonModificacion": reference.reason}


def _serialise(root: etree._Element) -> bytes:
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def _validated(kind: str, root: etree._Element) -> bytes:
    schemas.assert_valid(kind, root, unsigned=True)
    return _serialise(root)


def ecf_tree(doc: EcfDocument, *, signed_at: datetime) -> etree._Element:
    doc.check()
    buyer = _buyer(doc)
    keep = ()
    if doc.ecf_type == EcfType.E32:
        keep = ("/ECF/Encabezado/Comprador",)  # DGII: an E32 always has its Comprador
        buyer = buyer or {}
    data = {
        "Encabezado": {"Version": "1.0", "IdDoc": _id_doc(doc), "Emisor": _issuer(doc),
                       "Comprador": buyer, "Totales": _totals(doc.totals),
                       "OtraMoneda": _other_currency(doc)},
        "DetallesItems": {"Item": [_item(item) for item in doc.items]},
        "InformacionReferencia": _reference(doc),
        "FechaHoraFirma": signing_time(signed_at),
    }
    return render(doc.ecf_type.value, data, droppable=DROPPABLE, keep=keep)


def ecf_xml(doc: EcfDocument, *, signed_at: datetime) -> bytes:
    """The unsigned e-CF of `doc`, valid against its type's XSD (else EcfInvalid)."""
    return _validated(str(doc.ecf_type.value), ecf_tree(doc, signed_at=signed_at))


# --- RFCE: the summary DGII receives of an E32 under RD$250,000 -----------------------------
def rfce_xml(doc: EcfDocument, *, security_code: str) -> bytes:
    """The unsigned RFCE of an E32 under RD$250,000, with the e-CF's security code."""
    if not doc.is_consumer_summary:
        raise EcfInvalid([SchemaMessage(_("Only an E32 under RD$250,000 has an RFCE summary."),
                                        element="RFCE")])
    totals = doc.totals
    buyer = doc.buyer
    data = {"Encabezado": {
        "Version": "1.0",
        "IdDoc": {"TipoeCF": 32, "eNCF": doc.encf, "TipoIngresos": doc.income_type,
                  "TipoPago": int(doc.payment_type)},
        "Emisor": {"RNCEmisor": doc.issuer.rnc, "RazonSocialEmisor": doc.issuer.legal_name,
                   "FechaEmision": day(doc.issue_date)},
        "Comprador": {"RNCComprador": buyer.tax_id, "IdentificadorExtranjero": buyer.foreign_id,
                      "RazonSocialComprador": buyer.name} if buyer else {},
        "Totales": {
            **{name: value for name, value in _totals(totals).items()
               if not name.startswith(("ITBIS", "TotalITBISRet", "TotalISR", "ImpuestosAd"))},
            "ImpuestosAdicionales": {"ImpuestoAdicional": [
                {key: value for key, value in _additional_tax(tax).items()
                 if key != "TasaImpuestoAdicional"} for tax in totals.additional_taxes]},
        },
        "CodigoSeguridadeCF": security_code,
    }}
    root = render("RFCE", data, keep=("/RFCE/Encabezado/Comprador",))
    return _validated("RFCE", root)


# --- ANECF: voiding numbers DGII never received ---------------------------------------------
@dataclass(frozen=True)
class VoidedRange:
    first: str  # e-NCF, e.g. E310000000005
    last: str

    @property
    def ecf_type(self) -> int:
        return int(self.first[1:3])

    @property
    def count(self) -> int:
        return int(self.last[3:]) - int(self.first[3:]) + 1


def anecf_xml(*, rnc: str, ranges: Sequence[VoidedRange], voided_at: datetime) -> bytes:
    """The unsigned ANECF voiding `ranges` (each within one type, first ≤ last)."""
    problems = [SchemaMessage(_("%(first)s–%(last)s is not a range of one e-CF type.")
                              % {"first": r.first, "last": r.last}, element="Secuencias")
                for r in ranges
                if r.first[:3] != r.last[:3] or r.count < 1 or len(r.first) != 13]
    if problems or not ranges:
        raise EcfInvalid(problems or [_("Nothing to void.")])
    by_type: dict[int, list[VoidedRange]] = {}
    for voided in sorted(ranges, key=lambda r: r.first):
        by_type.setdefault(voided.ecf_type, []).append(voided)
    data = {
        "Encabezado": {"Version": "1.0", "RncEmisor": rnc,
                       "CantidadeNCFAnulados": sum(r.count for r in ranges),
                       "FechaHoraAnulacioneNCF": signing_time(voided_at)},
        "DetalleAnulacion": {"Anulacion": [
            {"NoLinea": number, "TipoeCF": ecf_type,
             "TablaRangoSecuenciasAnuladaseNCF": {"Secuencias": [
                 {"SecuenciaeNCFDesde": r.first, "SecuenciaeNCFHasta": r.last}
                 for r in group]},
             "CantidadeNCFAnulados": sum(r.count for r in group)}
            for number, (ecf_type, group) in enumerate(sorted(by_type.items()), start=1)]},
    }
    return _validated("ANECF", render("ANECF", data))
