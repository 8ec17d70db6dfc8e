"""Sample e-CF inputs, one per case the issue lists: plain data, totals from the items."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from invoicing.ecf.document import (
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

D = Decimal
ISSUE = date(2026, 6, 15)
EXPIRY = date(2027, 12, 31)
ISSUER = Issuer(rnc="131246796", legal_name="Acme SRL",
                address="Av. Winston Churchill 1099, Piantini, Santo Domingo",
                phones=("809-555-1234",), email="facturas@acme.do")
COMPANY = Buyer(tax_id="101850043", name="Cliente Ejemplo SRL",
                address="Calle El Conde 55, Zona Colonial", email="compras@cliente.do")
RATES = {BillingIndicator.ITBIS_18: D("18"), BillingIndicator.ITBIS_16: D("16")}


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def item(number: int, indicator: BillingIndicator, name: str, quantity: str, price: str, *,
         discount: str = "0", percent: str | None = None, tip: bool = False,
         service: bool = True) -> Item:
    gross = D(quantity) * D(price)
    discount_amount = cents(gross * D(percent) / 100) if percent else D(discount)
    amount = cents(gross - discount_amount)
    itbis = cents(amount * RATES.get(indicator, 0) / 100)
    extra = (AdditionalTax(code="001", rate=D("10"), amount=cents(amount / 10)),) if tip else ()
    return Item(line_number=number, billing_indicator=indicator, name=name,
                quantity=D(quantity), unit_price=D(price), amount=amount,
                discount=discount_amount, discount_percent=D(percent) if percent else None,
                is_service=service, itbis=itbis, additional_taxes=extra)


def document(ecf_type: EcfType, items: tuple[Item, ...], **kwargs) -> EcfDocument:
    sequence = kwargs.pop("sequence", 1)
    defaults = {"buyer": COMPANY, "issue_date": ISSUE,
                "sequence_expiry": None if ecf_type in (EcfType.E32, EcfType.E34) else EXPIRY}
    return EcfDocument(ecf_type=ecf_type, encf=f"{ecf_type.code}{sequence:010d}",
                       issuer=ISSUER, items=items, totals=totals_from_items(items),
                       **{**defaults, **kwargs})


def e31() -> EcfDocument:
    return document(EcfType.E31, (
        item(1, BillingIndicator.ITBIS_18, "Consultoría contable mensual", "2", "15000.00",
             percent="10"),
        item(2, BillingIndicator.ITBIS_16, "Yogur natural 1 L", "12", "85.5000",
             service=False),
        item(3, BillingIndicator.EXEMPT, "Libro: Código Tributario comentado", "1", "1250.00",
             discount="50.00", service=False),
        item(4, BillingIndicator.ITBIS_18, "Almuerzo de trabajo", "3", "650.00", tip=True),
    ), payment_type=PaymentType.CREDIT, payment_deadline=ISSUE + timedelta(days=30),
        payment_term="30 días")


def e32_over() -> EcfDocument:
    return document(EcfType.E32, (
        item(1, BillingIndicator.ITBIS_18, "Nevera industrial de acero inoxidable", "2",
             "135000.00", service=False),
    ), buyer=Buyer(tax_id="00113918205", name="María Rodríguez"))


def e32_under() -> EcfDocument:
    return document(EcfType.E32, (
        item(1, BillingIndicator.ITBIS_18, "Pizza grande", "1", "950.00", tip=True),
        item(2, BillingIndicator.ITBIS_18, "Refresco", "2", "75.00", service=False),
    ), buyer=Buyer(name="Consumidor final"), sequence=7)


def e33() -> EcfDocument:
    return document(EcfType.E33, (
        item(1, BillingIndicator.ITBIS_18, "Intereses por mora", "1", "1500.00"),
    ), reference=Reference(modified_ncf="B0100000005", modified_date=ISSUE - timedelta(days=20),
                           modification_code=3, reason="Intereses por pago tardío"))


def e34(*, code: int, days: int) -> EcfDocument:
    modified = ISSUE - timedelta(days=days)
    return document(EcfType.E34, (
        item(1, BillingIndicator.ITBIS_18, "Devolución: silla ergonómica", "1", "8500.00",
             service=False),
    ), credit_note_indicator=1 if days > 30 else 0,
        reference=Reference(modified_ncf="E310000000003", modified_date=modified,
                            modification_code=code,
                            reason="Anulación total" if code == 1 else "Devolución parcial"))


def e44() -> EcfDocument:
    return document(EcfType.E44, (
        item(1, BillingIndicator.EXEMPT, "Servicio de mantenimiento en zona franca", "1",
             "42000.00"),
        item(2, BillingIndicator.EXEMPT, "Repuestos", "5", "1200.2500", service=False),
    ), buyer=Buyer(tax_id="401506254", name="Zona Franca Las Américas SA"))


def e45() -> EcfDocument:
    return document(EcfType.E45, (
        item(1, BillingIndicator.ITBIS_18, "Resmas de papel carta", "200", "325.00",
             service=False),
    ), buyer=Buyer(tax_id="401506254", name="Ministerio de Ejemplo"),
        payment_type=PaymentType.CREDIT, payment_deadline=ISSUE + timedelta(days=60))


def e46() -> EcfDocument:
    return document(EcfType.E46, (
        item(1, BillingIndicator.ITBIS_0, "Cacao en grano orgánico (quintal)", "40", "9800.00",
             service=False),
    ), buyer=Buyer(foreign_id="DE811907980", name="Schokolade Import GmbH"))


def e31_usd(rate: str = "60.5000") -> EcfDocument:
    """An E31 in US dollars: the XML's figures in DOP (each line × rate, to the cent),
    `OtraMoneda` and `OtraMonedaDetalle` with the dollar figures."""
    usd = (item(1, BillingIndicator.ITBIS_18, "Software license (annual)", "3", "1199.99"),
           item(2, BillingIndicator.EXEMPT, "Training book", "2", "45.50", service=False))
    exchange = D(rate)
    converted = []
    for line in usd:
        converted.append(Item(
            line_number=line.line_number, billing_indicator=line.billing_indicator,
            name=line.name, quantity=line.quantity,
            unit_price=(line.unit_price * exchange).quantize(D("0.0001")),
            amount=cents(line.amount * exchange), discount=cents(line.discount * exchange),
            itbis=cents(line.itbis * exchange), is_service=line.is_service,
            other_currency=ItemInOtherCurrency(unit_price=line.unit_price, amount=line.amount,
                                               discount=line.discount, itbis=line.itbis)))
    items = tuple(converted)
    return document(EcfType.E31, items, other_currency=OtherCurrency(
        code="USD", rate=exchange, totals=totals_from_items(items, in_other_currency=True)))


CASES = {
    "E31": (e31, "31"),
    "E32 over RD$250,000": (e32_over, "32"),
    "E32 under RD$250,000": (e32_under, "32"),
    "E33": (e33, "33"),
    "E34 code 1 within 30 days": (lambda: e34(code=1, days=10), "34"),
    "E34 code 3 over 30 days": (lambda: e34(code=3, days=45), "34"),
    "E44": (e44, "44"),
    "E45": (e45, "45"),
    "E46": (e46, "46"),
    "E31 in USD": (e31_usd, "31"),
}
