"""Issued invoices → e-CF: the XML's figures are the API's to the cent, each type's line rules
hold, foreign currency goes in OtraMoneda, and note fields are read when a document carries
them. Issuing an E-series invoice signs it, so the workspace has its certificate; a document
that cannot make a valid e-CF is refused at the issue itself."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.contacts.models import TaxIdType
from invoicing.core.errors import InvalidInput
from invoicing.ecf import pipeline
from invoicing.ecf.document import BillingIndicator, EcfType, PaymentType
from invoicing.ecf.errors import EcfInvalid
from invoicing.ecf.mapping import document_from_invoice
from invoicing.fiscal.models import DocumentSubtype, Tax, TaxKind
from tests.factories import CurrencyFactory
from tests.invoices.helpers import customer, tax

from .certs import sample_credentials
from .xmlcheck import empty_elements, parse, schema_messages, totals_problems

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _issuer_address(workspace):
    """DGII requires the issuer's address (DireccionEmisor); the shared fixture has none."""
    workspace.address = "Av. Winston Churchill 1099, Santo Domingo"
    workspace.phone = "809-555-1234"
    workspace.save(update_fields=["address", "phone"])


def test_issuer_without_address_cannot_make_an_ecf(workspace):
    workspace.address = ""
    workspace.save(update_fields=["address"])
    with pytest.raises(EcfInvalid) as caught:
        issue(workspace, "E31", [line(workspace, "Servicio", "1", "100.00", "ITBIS 18%")])
    assert [m.element for m in caught.value.messages] == ["DireccionEmisor"]


def ecf_subtype(workspace, code: str) -> DocumentSubtype:
    subtype, _created = DocumentSubtype.objects.get_or_create(
        workspace=workspace, ncf_type=code, defaults={"name": code, "document_type": "invoice"})
    if subtype.range_start is None:  # a new workspace's e-CF series has no range yet
        subtype.prefix, subtype.padding = "", 10
        subtype.range_start, subtype.next_number, subtype.range_end = 1, 1, 500
        subtype.valid_until = None if code in ("E32", "E34") else TODAY.replace(month=12, day=31)
        subtype.save()
    return subtype


def issue(workspace, code: str, items, **kwargs):
    from invoicing.invoices import services

    contact = kwargs.pop("contact", None) or customer(workspace)
    return services.invoice_create(workspace=workspace, actor=None, contact_id=contact.pk,
                                   document_subtype_id=ecf_subtype(workspace, code).pk,
                                   items=items, **kwargs)


def line(workspace, description, quantity, price, *taxes, **extra):
    return {"description": description, "quantity": quantity, "unit_price": price,
            "tax_ids": [tax(workspace, name).pk for name in taxes], **extra}


def signed(invoice):
    return pipeline.build_and_sign(document_from_invoice(invoice),
                                   credentials=sample_credentials(), environment="testecf")


def total(root, name):
    text = root.findtext(f"Encabezado/Totales/{name}")
    return Decimal(text) if text is not None else None


def test_e31_figures_equal_the_invoice(workspace):
    invoice = issue(workspace, "E31", [
        line(workspace, "Consultoría", "2", "15000.00", "ITBIS 18%", discount="10",
             discount_type="percentage"),
        line(workspace, "Leche", "12", "85.50", "ITBIS 16%"),
        line(workspace, "Libro", "1", "1250.00", "Exento"),
        line(workspace, "Almuerzo", "3", "650.00", "ITBIS 18%", "Propina legal 10%"),
    ], due_date=TODAY + datetime.timedelta(days=30), payment_term="30 días")
    result = signed(invoice)
    root = parse(result.xml)
    assert schema_messages("31", result.xml) == [] and empty_elements(result.xml) == []
    assert totals_problems(result.xml) == []
    assert total(root, "MontoTotal") == invoice.total_amount
    assert total(root, "MontoGravadoTotal") + total(root, "MontoExento") == \
        invoice.subtotal_amount - invoice.discount_amount
    assert total(root, "TotalITBIS") + total(root, "MontoImpuestoAdicional") == \
        invoice.tax_amount
    assert root.findtext("Encabezado/Totales/ImpuestosAdicionales/ImpuestoAdicional/"
                         "TipoImpuesto") == "001"
    assert root.findtext("Encabezado/IdDoc/TipoPago") == "2"
    assert root.findtext("Encabezado/IdDoc/FechaLimitePago") == invoice.due_date.strftime(
        "%d-%m-%Y")
    assert root.findtext("Encabezado/Comprador/RNCComprador") == invoice.buyer_tax_id
    assert root.findtext("Encabezado/Emisor/RNCEmisor") == "131246796"
    first = root.find("DetallesItems/Item")
    assert first.findtext("TablaSubDescuento/SubDescuento/TipoSubDescuento") == "%"
    assert first.findtext("DescuentoMonto") == "3000.00"


def test_cash_sale_and_long_description(workspace):
    description = "Mantenimiento preventivo " * 6
    invoice = issue(workspace, "E31", [line(workspace, description, "1.5", "100.00",
                                            "ITBIS 18%")], due_date=TODAY)
    document = document_from_invoice(invoice)
    assert document.payment_type == PaymentType.CASH and document.payment_deadline is None
    root = parse(signed(invoice).xml)
    item = root.find("DetallesItems/Item")
    assert len(item.findtext("NombreItem")) <= 80
    assert item.findtext("DescripcionItem") == " ".join(description.split())
    assert item.findtext("CantidadItem") == "1.50"


def test_consumer_invoice_without_buyer_id_gets_an_rfce(workspace):
    contact = customer(workspace, name="Juan Pérez", tax_id_type=TaxIdType.NONE, tax_id="")
    invoice = issue(workspace, "E32", [line(workspace, "Pizza", "1", "950.00", "ITBIS 18%",
                                            "Propina legal 10%")], contact=contact)
    result = signed(invoice)
    assert schema_messages("32", result.xml) == []
    assert result.summary_xml is not None and schema_messages("RFCE", result.summary_xml) == []
    root = parse(result.xml)
    assert root.find("Encabezado/IdDoc/FechaVencimientoSecuencia") is None
    assert root.findtext("Encabezado/Comprador/RazonSocialComprador") == "Juan Pérez"
    assert "consultatimbrefc" in result.qr_url


def test_e44_lines_are_exempt_and_itbis_is_refused(workspace):
    invoice = issue(workspace, "E44", [line(workspace, "Servicio", "1", "4200.00", "Exento")])
    document = document_from_invoice(invoice)
    assert {i.billing_indicator for i in document.items} == {BillingIndicator.EXEMPT}
    assert schema_messages("44", signed(invoice).xml) == []
    with pytest.raises(EcfInvalid):
        issue(workspace, "E44", [line(workspace, "Servicio", "1", "100.00", "ITBIS 18%")])


def test_e46_lines_are_zero_rated(workspace):
    Tax.objects.get_or_create(workspace=workspace, name="ITBIS 0%",  # a default since 12
                              defaults={"kind": TaxKind.ITBIS, "rate": Decimal("0")})
    contact = customer(workspace, tax_id_type=TaxIdType.RNC, tax_id="401506254")
    invoice = issue(workspace, "E46", [line(workspace, "Cacao", "40", "9800.00", "ITBIS 0%"),
                                       line(workspace, "Flete", "1", "5000.00", "Exento")],
                    contact=contact)
    document = document_from_invoice(invoice)
    assert {i.billing_indicator for i in document.items} == {BillingIndicator.ITBIS_0}
    result = signed(invoice)
    assert schema_messages("46", result.xml) == []
    assert total(parse(result.xml), "MontoGravadoI3") == invoice.total_amount


def test_e45_government_invoice(workspace):
    invoice = issue(workspace, "E45", [line(workspace, "Papel", "200", "325.00", "ITBIS 18%")])
    result = signed(invoice)
    assert schema_messages("45", result.xml) == []
    assert total(parse(result.xml), "MontoTotal") == invoice.total_amount


def test_usd_invoice_keeps_dollars_in_otra_moneda(workspace):
    usd = CurrencyFactory(workspace=workspace, code="USD", exchange_rate=Decimal("60.5000"))
    from workspaces.services import exchange_rate_set

    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5000"), effective_date=TODAY)
    invoice = issue(workspace, "E31", [
        line(workspace, "Software license", "3", "1199.99", "ITBIS 18%"),
        line(workspace, "Training book", "2", "45.50", "Exento")], currency_id=usd.pk)
    assert invoice.exchange_rate == Decimal("60.5000")
    result = signed(invoice)
    root = parse(result.xml)
    assert schema_messages("31", result.xml) == [] and totals_problems(result.xml) == []
    other = root.find("Encabezado/OtraMoneda")
    assert other.findtext("TipoMoneda") == "USD"
    assert Decimal(other.findtext("MontoTotalOtraMoneda")) == invoice.total_amount
    dop = total(root, "MontoTotal")
    assert abs(dop - invoice.total_amount * invoice.exchange_rate) <= Decimal("0.05")


def test_quantity_with_more_than_two_decimals_cannot_make_an_ecf(workspace):
    with pytest.raises(InvalidInput) as caught:
        issue(workspace, "E31", [line(workspace, "Cable", "1.125", "10.00", "ITBIS 18%")])
    assert list(caught.value.fields) == ["items.0.quantity"]


def test_isc_needs_a_dgii_code(workspace):
    Tax.objects.create(workspace=workspace, name="ISC telecom", kind=TaxKind.ISC,
                       rate=Decimal("10"))
    with pytest.raises(EcfInvalid):
        issue(workspace, "E31", [line(workspace, "Plan móvil", "1", "1000.00", "ITBIS 18%",
                                      "ISC telecom")])
    from invoicing.invoices.models import Invoice

    assert not Invoice.objects.filter(workspace=workspace).exists()  # nothing was written


@pytest.mark.parametrize("days, over, indicator", [(10, None, 0), (45, None, 1), (10, True, 1)])
def test_note_fields_are_read_when_present(workspace, days, over, indicator):
    """A credit note (once notes land) carries modified_ncf & co.: stood in here by an
    issued document carrying those attributes."""
    note = issue(workspace, "E31", [line(workspace, "Devolución", "1", "500.00", "ITBIS 18%")])
    note.document_subtype = ecf_subtype(workspace, "E34")
    note.document_number = "E340000000001"
    note.modified_ncf, note.modified_issue_date = "B0100000009", note.issue_date - \
        datetime.timedelta(days=days)
    note.modification_code, note.reason = 3, "Devolución de mercancía"
    if over is not None:
        note.over_30_days = over
    document = document_from_invoice(note)
    assert document.ecf_type == EcfType.E34 and document.sequence_expiry is None
    assert document.credit_note_indicator == indicator
    root = parse(signed(note).xml)
    assert root.findtext("InformacionReferencia/NCFModificado") == "B0100000009"
    assert root.findtext("InformacionReferencia/RazonModificacion") == "Devolución de mercancía"
    assert root.findtext("Encabezado/IdDoc/IndicadorNotaCredito") == str(indicator)


def test_b_series_documents_are_not_ecf(workspace):
    from tests.invoices.helpers import fiscal_subtype, make_invoice

    invoice = make_invoice(workspace, subtype=fiscal_subtype(workspace, "B01"))
    with pytest.raises(EcfInvalid):
        document_from_invoice(invoice)
