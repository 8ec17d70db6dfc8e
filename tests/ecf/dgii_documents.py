"""Small documents for the DGII client and fake DGII tests, built by the product's builders
(`invoicing/ecf/xml.py`): unsigned, so a test can spoil one before signing it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from invoicing.ecf.document import (
    BillingIndicator,
    Buyer,
    EcfDocument,
    EcfType,
    Issuer,
    Item,
    totals_from_items,
)
from invoicing.ecf.xml import VoidedRange, anecf_xml, ecf_xml, rfce_xml

SIGNED_AT = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)


def document(*, rnc: str = "131246796", encf: str = "E310000000001",
             total: Decimal = Decimal("118.00"), buyer_rnc: str = "101850043",
             legal_name: str = "Acme SRL") -> EcfDocument:
    """One line taxed at 18% adding up to `total`; the type is the e-NCF's."""
    kind = EcfType(int(encf[1:3]))
    base = (total / Decimal("1.18")).quantize(Decimal("0.01"))
    item = Item(line_number=1, billing_indicator=BillingIndicator.ITBIS_18, name="Servicio",
                quantity=Decimal("1"), unit_price=base, amount=base, is_service=True,
                itbis=total - base)
    return EcfDocument(
        ecf_type=kind, encf=encf, issue_date=dt.date(2026, 10, 1),
        issuer=Issuer(rnc=rnc, legal_name=legal_name, address="Calle Primera 1, Santo Domingo"),
        items=(item,), totals=totals_from_items([item]),
        buyer=Buyer(tax_id=buyer_rnc, name="Cliente SRL") if buyer_rnc else None,
        sequence_expiry=None if kind in (EcfType.E32, EcfType.E34) else dt.date(2030, 12, 31),
    )


def ecf(**kwargs) -> bytes:
    return ecf_xml(document(**kwargs), signed_at=SIGNED_AT)


def rfce(*, encf: str = "E320000000001", security_code: str = "ABC123", **kwargs) -> bytes:
    kwargs.setdefault("buyer_rnc", "")
    return rfce_xml(document(encf=encf, **kwargs), security_code=security_code)


def anecf(*, rnc: str = "131246796",
          ranges: tuple[tuple[str, str], ...] = (("E310000000005", "E310000000007"),)) -> bytes:
    return anecf_xml(rnc=rnc, ranges=[VoidedRange(first, last) for first, last in ranges],
                     voided_at=SIGNED_AT)
