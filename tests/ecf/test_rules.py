"""A document that cannot make a valid e-CF is refused with EcfInvalid (422 `ecf_invalid`)
naming each reason; nothing is signed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from invoicing.ecf import xml
from invoicing.ecf.document import BillingIndicator, Buyer, EcfType
from invoicing.ecf.errors import EcfInvalid

from .documents import COMPANY, document, e31, e32_over, e33, e34, e44, e46, item

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def refusal(doc) -> EcfInvalid:
    with pytest.raises(EcfInvalid) as caught:
        xml.ecf_xml(doc, signed_at=NOW)
    return caught.value


def elements(error: EcfInvalid) -> set[str]:
    return {message.element.rsplit("/", 1)[-1] for message in error.messages}


def test_refusal_is_a_422_with_the_reasons_in_fields():
    error = refusal(replace(e31(), buyer=Buyer(name="Sin RNC")))
    assert error.http_status == 422 and error.code == "ecf_invalid"
    assert error.fields["ecf"] and "RNCComprador" in error.fields["ecf"][0]


def test_quantity_with_more_than_two_decimals_is_refused():
    line = replace(item(1, BillingIndicator.ITBIS_18, "Tornillos", "1", "10.00"),
                   quantity=Decimal("1.125"), amount=Decimal("11.25"))
    assert "CantidadItem" in elements(refusal(document(EcfType.E31, (line,))))


def test_unit_price_with_more_than_four_decimals_is_refused():
    line = replace(item(1, BillingIndicator.EXEMPT, "Gasolina", "2", "10.00"),
                   unit_price=Decimal("5.12345"), amount=Decimal("10.25"))
    assert "PrecioUnitarioItem" in elements(refusal(document(EcfType.E31, (line,))))


def test_item_amount_beyond_dgii_tolerance_is_refused():
    line = replace(item(1, BillingIndicator.EXEMPT, "Servicio", "1", "100.00"),
                   amount=Decimal("98.50"))
    assert "MontoItem" in elements(refusal(document(EcfType.E31, (line,))))


def test_totals_that_do_not_add_up_are_refused():
    doc = e31()
    doc = replace(doc, totals=replace(doc.totals, total=doc.totals.total + 1))
    assert "MontoTotal" in elements(refusal(doc))


@pytest.mark.parametrize("build, indicator", [(e44, BillingIndicator.ITBIS_18),
                                              (e46, BillingIndicator.EXEMPT)])
def test_types_with_one_billing_indicator_refuse_others(build, indicator):
    doc = build()
    lines = (replace(doc.items[0], billing_indicator=indicator), *doc.items[1:])
    assert "IndicadorFacturacion" in elements(refusal(replace(doc, items=lines)))


def test_e32_of_250000_or_more_identifies_its_buyer():
    assert "RNCComprador" in elements(refusal(replace(e32_over(), buyer=Buyer(name="Ana"))))


def test_e32_and_e34_carry_no_sequence_expiry():
    doc = replace(e34(code=3, days=5), sequence_expiry=datetime(2027, 12, 31).date())
    assert "FechaVencimientoSecuencia" in elements(refusal(doc))


def test_other_types_need_the_sequence_expiry():
    assert "FechaVencimientoSecuencia" in elements(refusal(replace(e31(), sequence_expiry=None)))


def test_every_e34_says_whether_it_is_within_30_days():
    assert "IndicadorNotaCredito" in elements(refusal(replace(e34(code=3, days=5),
                                                              credit_note_indicator=None)))


def test_a_note_names_what_it_modifies():
    assert "InformacionReferencia" in elements(refusal(replace(e33(), reference=None)))


def test_only_credit_notes_annul():
    doc = e33()
    assert "CodigoModificacion" in elements(refusal(
        replace(doc, reference=replace(doc.reference, modification_code=1))))


def test_a_reason_does_not_go_on_an_invoice():
    doc = replace(e31(), reference=replace(e33().reference, modification_code=4))
    assert "RazonModificacion" in elements(refusal(doc))


def test_the_encf_must_match_the_type():
    assert "eNCF" in elements(refusal(replace(e31(), encf="E320000000001")))


def test_a_credit_sale_needs_its_deadline():
    assert "FechaLimitePago" in elements(refusal(replace(e31(), payment_deadline=None)))


def test_what_only_the_xsd_knows_comes_back_as_schema_messages():
    from invoicing.ecf import schemas

    root = xml.ecf_tree(e31(), signed_at=NOW)
    root.find("Encabezado/IdDoc/TipoPago").text = "7"  # past every rule, as if a bug wrote it
    messages = schemas.validate("31", root, unsigned=True)
    assert [m.element for m in messages] == ["/ECF/Encabezado/IdDoc/TipoPago"]
    assert "TipoPago" in messages[0].message
    assert root.find("Signature") is None  # the stand-in signature is taken out again


def test_issuer_without_rnc_is_refused_before_the_schema():
    assert {"RNCEmisor"} <= elements(refusal(replace(e31(), issuer=replace(e31().issuer,
                                                                           rnc="12345"))))


def test_names_are_cut_to_the_schema_lengths_and_cleaned():
    long_name = "Servicio de consultoría " * 10  # 240 characters
    doc = document(EcfType.E31, (item(1, BillingIndicator.ITBIS_18, long_name, "1", "100.00"),),
                   buyer=replace(COMPANY, name="Cliente\x00 con\tcontrol\x07 " + "x" * 200))
    root = xml.ecf_tree(doc, signed_at=NOW)
    assert len(root.findtext("DetallesItems/Item/NombreItem")) <= 80
    name = root.findtext("Encabezado/Comprador/RazonSocialComprador")
    assert name.startswith("Cliente con control x") and len(name) == 150
    xml.ecf_xml(doc, signed_at=NOW)  # and still valid


def test_invalid_optional_details_are_left_out_not_fatal():
    doc = replace(e31(), issuer=replace(e31().issuer, email="not an email", phones=("123",)))
    root = xml.ecf_tree(doc, signed_at=NOW)
    assert root.find("Encabezado/Emisor/CorreoEmisor") is None
    assert root.find("Encabezado/Emisor/TablaTelefonoEmisor") is None


def test_payment_terms_keep_only_what_dgii_accepts():
    root = xml.ecf_tree(replace(e31(), payment_term="Neto 30 días, sin excepción!"),
                        signed_at=NOW)
    assert root.findtext("Encabezado/IdDoc/TerminoPago") == "Neto 30 días si"


def test_naive_signing_time_is_refused():
    with pytest.raises(ValueError):
        xml.ecf_xml(e31(), signed_at=datetime(2026, 6, 15, 12, 0))
