"""The API renders invoices from rows (`selectors.invoice_rows`) for speed; what it sends must
be byte for byte what the instance renderer (`serializers.invoice_data`) gives, for every
kind of invoice."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from invoicing.invoices import selectors, services
from invoicing.invoices.serializers import InvoiceSerializer
from tests.factories import ContactFactory, QuotationFactory, SalesmanFactory
from tests.invoices.helpers import customer, fiscal_subtype, make_invoice, product, tax
from workspaces.models import Currency

pytestmark = pytest.mark.django_db
URL = "/api/v1/invoices"


def rendered(invoice) -> bytes:
    fresh = selectors.invoice_queryset(invoice.workspace).get(pk=invoice.pk)
    return JSONRenderer().render(InvoiceSerializer(fresh).data)


@pytest.fixture
def invoices(workspace, owner):
    """One of each shape the renderer branches on."""
    today = timezone.localdate()
    itbis, exento, tip = (tax(workspace, n) for n in ("ITBIS 18%", "Exento",
                                                        "Propina legal 10%"))
    cement = product(workspace, price="455.50")
    made = {}
    made["draft"] = make_invoice(workspace, draft=True, notes="Borrador\ncon dos líneas")
    contact = ContactFactory(workspace=workspace, name="Ferretería Ozama SRL",
                             email="compras@ozama.do")
    made["fiscal_mixed_lines"] = make_invoice(
        workspace, subtype=fiscal_subtype(workspace), contact=contact,
        payment_term="Net 30", issue_date=today - datetime.timedelta(days=40),
        due_date=today - datetime.timedelta(days=10),
        items=[
            {"product_id": cement.pk, "quantity": "2.5"},
            {"description": "Flete", "quantity": "1", "unit_price": "1200.00",
             "discount": "10", "discount_type": "percentage",
             "tax_ids": [itbis.pk, tip.pk]},
            {"description": "Exento", "quantity": "3", "unit_price": "99.99",
             "discount": "5.00", "tax_ids": [exento.pk]},
            {"description": "Sin impuesto", "quantity": "0.3333", "unit_price": "10.00"},
            {"description": "Tornillos \"M6\" — caja\tgrande", "quantity": "12345.6789",
             "unit_price": "0.01", "tax_ids": [itbis.pk]},
            {"description": "Muestra", "quantity": "0.0001", "unit_price": "0.00"},
        ])
    contact.name = "Ferretería Ozama (renamed)"  # the issued invoice keeps the frozen name
    contact.save()
    partial = make_invoice(workspace)
    services.payment_record(invoice=partial, actor=owner, amount=Decimal("100.00"),
                            method="bank_transfer", reference="TRX-1")
    services.payment_record(invoice=partial, actor=owner, amount=Decimal("50.00"),
                            date=today - datetime.timedelta(days=1))
    made["partially_paid"] = partial
    paid = make_invoice(workspace, salesman_ids=[
        SalesmanFactory(workspace=workspace, name="Zoila Peña").pk,
        SalesmanFactory(workspace=workspace, name="Andrés Féliz").pk])
    services.payment_record(invoice=paid, actor=owner, amount=paid.total_amount,
                            method="card")
    made["paid_with_salesmen"] = paid
    cancelled = make_invoice(workspace)
    services.invoice_cancel(invoice=cancelled, actor=owner, reason_code="04",
                            reason="Error en el RNC")
    made["cancelled"] = cancelled
    usd = Currency.objects.get(workspace=workspace, code="USD")
    made["usd"] = make_invoice(workspace, currency_id=usd.pk, contact=customer(workspace))
    converted = make_invoice(workspace)
    QuotationFactory(workspace=workspace, invoice=converted, status="invoiced")
    made["from_quotation"] = converted
    return made


def test_detail_is_byte_identical_to_the_instance_renderer(api, invoices):
    api.get(f"{URL}?per_page=1")
    for name, invoice in invoices.items():
        response = api.get(f"{URL}/{invoice.pk}")
        assert response.status_code == 200, name
        assert response.content == rendered(invoice), name


def test_list_pages_are_byte_identical_to_the_instance_renderer(api, invoices):
    for params in ("per_page=3", "per_page=3&page=2", "per_page=3&page=3", "sort=-total_amount",
                   "status=cancelled", "q=Ozama", "overdue=true"):
        response = api.get(f"{URL}?{params}")
        assert response.status_code == 200, params
        results = response.json()["results"]
        assert results, params
        by_id = {invoice.pk: invoice for invoice in invoices.values()}
        rendered_page = b"[" + b",".join(rendered(by_id[row["id"]]) for row in results) + b"]"
        assert JSONRenderer().render(results) == rendered_page, params


def test_writes_answer_with_the_same_rendering(api, workspace, invoices):
    created = api.post(URL, {
        "contact_id": customer(workspace).pk, "document_subtype_id":
        invoices["usd"].document_subtype_id,
        "items": [{"description": "Diseño", "quantity": "1", "unit_price": "10.00"}],
    }, format="json")
    assert created.status_code == 201
    invoice = selectors.invoice_queryset(workspace).get(pk=created.json()["id"])
    assert created.content == rendered(invoice)


def test_missing_and_foreign_ids_are_404_as_before(api, other_workspace, invoices):
    foreign = make_invoice(other_workspace)
    for pk in (foreign.pk, 999_999_999, 99_999_999_999_999_999_999):
        response = api.get(f"{URL}/{pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
