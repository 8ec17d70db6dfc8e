"""One e-CF as plain data (no ORM): what the XML builder writes, field by field.

Amounts are `Decimal` with 2 decimals, in Dominican pesos (DOP); a document in another
currency also carries `OtherCurrency` with its figures in that currency. `None` means "not
on this document" (the element is left out); zero is a real zero. The DGII rules these
values must satisfy are in `rules.py`; `EcfDocument.check()` applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum

from django.utils.translation import gettext_lazy as _

from invoicing.core.money import ZERO

# A consumer invoice (E32) under this total in DOP is summarised to DGII as an RFCE.
CONSUMER_SUMMARY_LIMIT = Decimal("250000.00")


class EcfType(IntEnum):
    E31 = 31
    E32 = 32
    E33 = 33
    E34 = 34
    E41 = 41
    E43 = 43
    E44 = 44
    E45 = 45
    E46 = 46
    E47 = 47

    @property
    def code(self) -> str:
        return f"E{self.value}"

    @property
    def label(self) -> str:
        return str(ECF_TYPE_NAMES[self])


ECF_TYPE_NAMES = {
    EcfType.E31: _("Factura de Crédito Fiscal Electrónica"),
    EcfType.E32: _("Factura de Consumo Electrónica"),
    EcfType.E33: _("Nota de Débito Electrónica"),
    EcfType.E34: _("Nota de Crédito Electrónica"),
    EcfType.E41: _("Compras Electrónico"),
    EcfType.E43: _("Gastos Menores Electrónico"),
    EcfType.E44: _("Regímenes Especiales Electrónico"),
    EcfType.E45: _("Gubernamental Electrónico"),
    EcfType.E46: _("Comprobante de Exportaciones Electrónico"),
    EcfType.E47: _("Comprobante para Pagos al Exterior Electrónico"),
}


class BillingIndicator(IntEnum):
    """`Item/IndicadorFacturacion`."""

    NOT_BILLABLE = 0
    ITBIS_18 = 1
    ITBIS_16 = 2
    ITBIS_0 = 3
    EXEMPT = 4


ITBIS_RATE_OF = {BillingIndicator.ITBIS_18: 18, BillingIndicator.ITBIS_16: 16,
                 BillingIndicator.ITBIS_0: 0}


class PaymentType(IntEnum):
    CASH = 1  # contado
    CREDIT = 2  # crédito: FechaLimitePago
    FREE = 3  # gratuito: not valid for tax credit


@dataclass(frozen=True)
class Issuer:
    rnc: str
    legal_name: str  # RazonSocialEmisor
    address: str  # DireccionEmisor
    trade_name: str = ""
    branch: str = ""
    phones: tuple[str, ...] = ()  # xxx-xxx-xxxx, up to 3
    email: str = ""
    website: str = ""
    economic_activity: str = ""
    seller_code: str = ""
    internal_number: str = ""  # NumeroFacturaInterna
    additional_info: str = ""


@dataclass(frozen=True)
class Buyer:
    tax_id: str = ""  # RNCComprador: RNC (9 digits) or cédula (11)
    foreign_id: str = ""  # IdentificadorExtranjero, when there is no RNC/cédula
    name: str = ""
    contact: str = ""
    email: str = ""
    address: str = ""
    internal_code: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.tax_id or self.foreign_id or self.name)


@dataclass(frozen=True)
class AdditionalTax:
    """A tax other than ITBIS, by DGII code (Tabla I): 001 propina legal, 002–005 other
    taxes, 006–022 ISC específico, 023–039 ISC ad valorem."""

    code: str
    rate: Decimal
    amount: Decimal

    @property
    def kind(self) -> str:
        number = int(self.code)
        if 6 <= number <= 22:
            return "specific"
        if 23 <= number <= 39:
            return "ad_valorem"
        return "other"


@dataclass(frozen=True)
class Retention:
    indicator: int = 1  # 1 retención, 2 percepción
    itbis_withheld: Decimal | None = None
    isr_withheld: Decimal | None = None


@dataclass(frozen=True)
class ItemInOtherCurrency:
    unit_price: Decimal
    amount: Decimal
    discount: Decimal = ZERO
    itbis: Decimal = ZERO
    additional_taxes: tuple[AdditionalTax, ...] = ()


@dataclass(frozen=True)
class Item:
    line_number: int
    billing_indicator: BillingIndicator
    name: str
    quantity: Decimal  # at most 2 decimals, > 0
    unit_price: Decimal  # at most 4 decimals
    amount: Decimal  # MontoItem: quantity × unit price − discount
    is_service: bool = False
    discount: Decimal = ZERO
    discount_percent: Decimal | None = None  # when the discount was given as a percentage
    description: str = ""
    unit_code: int | None = None  # DGII unit of measure table
    # Not written on the item (DGII totals them per rate) but needed to total them.
    itbis: Decimal = ZERO
    additional_taxes: tuple[AdditionalTax, ...] = ()
    retention: Retention | None = None
    other_currency: ItemInOtherCurrency | None = None


@dataclass(frozen=True)
class Totals:
    total: Decimal  # MontoTotal
    taxed_18: Decimal | None = None  # MontoGravadoI1
    taxed_16: Decimal | None = None  # MontoGravadoI2
    taxed_0: Decimal | None = None  # MontoGravadoI3
    exempt: Decimal | None = None  # MontoExento
    itbis_18: Decimal | None = None  # TotalITBIS1
    itbis_16: Decimal | None = None
    itbis_0: Decimal | None = None
    additional_taxes: tuple[AdditionalTax, ...] = ()  # ImpuestosAdicionales, one per code
    non_billable: Decimal | None = None  # MontoNoFacturable
    itbis_withheld: Decimal | None = None
    isr_withheld: Decimal | None = None

    @staticmethod
    def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
        present = [value for value in values if value is not None]
        return sum(present, ZERO) if present else None

    @property
    def taxed_total(self) -> Decimal | None:
        return self._sum((self.taxed_18, self.taxed_16, self.taxed_0))

    @property
    def itbis_total(self) -> Decimal | None:
        return self._sum((self.itbis_18, self.itbis_16, self.itbis_0))

    @property
    def additional_total(self) -> Decimal | None:
        return self._sum(tax.amount for tax in self.additional_taxes)


@dataclass(frozen=True)
class OtherCurrency:
    code: str  # ISO 4217, from DGII's currency table
    rate: Decimal  # DOP per unit, 4 decimals
    totals: Totals  # the document's totals in that currency


@dataclass(frozen=True)
class Reference:
    """InformacionReferencia: the document a note (or a replacement) refers to."""

    modified_ncf: str
    modified_date: date
    modification_code: int  # 1 anula, 2 corrige texto, 3 corrige montos, 4, 5
    reason: str = ""  # RazonModificacion, notes only, up to 90 characters
    other_taxpayer_rnc: str = ""


@dataclass(frozen=True)
class EcfDocument:
    ecf_type: EcfType
    encf: str
    issue_date: date
    issuer: Issuer
    items: tuple[Item, ...]
    totals: Totals
    buyer: Buyer | None = None
    sequence_expiry: date | None = None  # FechaVencimientoSecuencia (not on E32/E34)
    credit_note_indicator: int | None = None  # E34: 0 within 30 days, 1 after
    income_type: str = "01"  # TipoIngresos 01–06
    payment_type: PaymentType = PaymentType.CASH
    payment_deadline: date | None = None  # FechaLimitePago, credit only
    payment_term: str = ""  # TerminoPago
    other_currency: OtherCurrency | None = None
    reference: Reference | None = None

    @property
    def is_consumer_summary(self) -> bool:
        """An E32 under RD$250,000: DGII receives only its RFCE summary."""
        return self.ecf_type == EcfType.E32 and self.totals.total < CONSUMER_SUMMARY_LIMIT

    @property
    def file_name(self) -> str:
        return f"{self.issuer.rnc}{self.encf}.xml"

    def check(self) -> None:
        """Raise EcfInvalid naming every DGII rule this document breaks."""
        from .rules import check_document

        check_document(self)


def totals_from_items(items: Iterable[Item], *, in_other_currency: bool = False) -> Totals:
    """The document totals DGII expects from its items: each figure the sum of the items'
    (so the XML adds up to the cent, as the API does). With `in_other_currency`, the same
    from each item's figures in the other currency."""
    taxed = {indicator: None for indicator in ITBIS_RATE_OF}
    itbis = {indicator: None for indicator in ITBIS_RATE_OF}
    exempt = non_billable = None
    extra: dict[tuple[str, Decimal], Decimal] = {}
    for item in items:
        figures = item.other_currency if in_other_currency else item
        if figures is None:
            raise ValueError(f"line {item.line_number} has no figures in the other currency")
        indicator = item.billing_indicator
        if indicator in ITBIS_RATE_OF:
            taxed[indicator] = (taxed[indicator] or ZERO) + figures.amount
            itbis[indicator] = (itbis[indicator] or ZERO) + figures.itbis
        elif indicator == BillingIndicator.EXEMPT:
            exempt = (exempt or ZERO) + figures.amount
        else:
            non_billable = (non_billable or ZERO) + figures.amount
        for tax in figures.additional_taxes:
            key = (tax.code, tax.rate)
            extra[key] = extra.get(key, ZERO) + tax.amount
    additional = tuple(AdditionalTax(code=code, rate=rate, amount=amount)
                       for (code, rate), amount in sorted(extra.items()) if amount > 0)
    parts = [*(v for v in taxed.values() if v is not None), exempt or ZERO,
             *(v for v in itbis.values() if v is not None), *(t.amount for t in additional)]
    return Totals(
        total=sum(parts, ZERO),
        taxed_18=taxed[BillingIndicator.ITBIS_18], taxed_16=taxed[BillingIndicator.ITBIS_16],
        taxed_0=taxed[BillingIndicator.ITBIS_0], exempt=exempt,
        itbis_18=itbis[BillingIndicator.ITBIS_18], itbis_16=itbis[BillingIndicator.ITBIS_16],
        itbis_0=itbis[BillingIndicator.ITBIS_0], additional_taxes=additional,
        non_billable=non_billable,
    )
