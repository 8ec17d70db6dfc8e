"""The invoice read model: one renderer (`read.invoice_dict`) fed by three sources — the
PostgreSQL JSON rows, the portable `.values()` rows, and the rows a write has just made —
must give the same objects, and the objects API.md describes. The reference below renders
model instances field by field, independently of the read model (it is the renderer the
API used before the read model, kept here as the oracle)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from invoicing.core.money import CENT
from invoicing.invoices import payments, read, selectors, services
from invoicing.invoices.models import Invoice, InvoiceStatus
from tests.factories import ContactFactory, QuotationFactory, SalesmanFactory
from tests.invoices.helpers import customer, fiscal_subtype, make_invoice, product, tax
from workspaces.models import Currency
from workspaces.services import exchange_rate_set

pytestmark = pytest.mark.django_db
URL = "/api/v1/invoices"


def _money(value) -> str:
    return str(value.quantize(CENT))


def _stamp(value):
    return timezone.localtime(value).isoformat() if value else None


def reference(invoice: Invoice) -> dict:
    """The API object from model instances."""
    invoice = selectors.invoice_queryset(invoice.workspace).get(pk=invoice.pk)
    contact = invoice.contact
    issued = invoice.status != InvoiceStatus.DRAFT
    try:
        quotation = invoice.quotation.pk
    except Exception:
        quotation = None
    salesmen = list(invoice.salesmen.all())
    return {
        "id": invoice.pk, "workspace_id": invoice.workspace_id,
        "contact_id": invoice.contact_id,
        "contact": {"id": contact.pk,
                    "name": invoice.buyer_name if issued else contact.name,
                    "tax_id": invoice.buyer_tax_id if issued else contact.tax_id,
                    "email": contact.email},
        "document_subtype_id": invoice.document_subtype_id,
        "document_number": invoice.document_number,
        "ncf_valid_until": invoice.ncf_valid_until.isoformat()
        if invoice.ncf_valid_until else None,
        "issue_date": invoice.issue_date.isoformat(), "due_date": invoice.due_date.isoformat(),
        "status": invoice.status,
        "subtotal_amount": _money(invoice.subtotal_amount),
        "discount_amount": _money(invoice.discount_amount),
        "tax_amount": _money(invoice.tax_amount), "total_amount": _money(invoice.total_amount),
        "amount_paid": _money(invoice.amount_paid), "amount_due": _money(invoice.amount_due),
        "credited_amount": _money(invoice.credited_amount),
        "debited_amount": _money(invoice.debited_amount),
        **{f"{kind}s": [{"id": n.pk, "document_number": n.document_number,
                         "issue_date": n.issue_date.isoformat(),
                         "modification_code": n.modification_code,
                         "total_amount": _money(n.total_amount)}
                        for n in invoice.fiscal_notes.filter(status="issued",
                                                             document_type=kind)
                        .order_by("issue_date", "id")]
           for kind in ("credit_note", "debit_note")},
        "currency_id": invoice.currency_id, "currency": invoice.currency.code,
        "exchange_rate": str(invoice.exchange_rate),
        "payment_term": invoice.payment_term, "notes": invoice.notes,
        "items": [{
            "id": line.pk, "product_id": line.product_id, "description": line.description,
            "quantity": str(line.quantity), "unit_price": _money(line.unit_price),
            "discount": _money(line.discount), "discount_type": line.discount_type,
            "tax_ids": [t["id"] for t in line.taxes], "subtotal": _money(line.subtotal),
            "discount_amount": _money(line.discount_amount),
            "tax_amount": _money(line.tax_amount), "total": _money(line.total),
        } for line in invoice.lines.all()],
        "payments": [{"id": p.pk, "date": p.date.isoformat(), "amount": _money(p.amount),
                      "method": p.method, "reference": p.reference}
                     for p in invoice.payments.all()],
        "salesman_ids": [s.pk for s in salesmen],
        "salesmen": [{"id": s.pk, "name": s.name} for s in salesmen],
        "quotation_id": quotation, "is_overdue": invoice.is_overdue,
        "ecf": _ecf(invoice),
        "cancellation": {"reason_code": invoice.cancel_reason_code,
                         "reason": invoice.cancel_reason,
                         "cancelled_at": _stamp(invoice.cancelled_at)}
        if invoice.status == InvoiceStatus.CANCELLED else None,
        "created_at": _stamp(invoice.created_at), "updated_at": _stamp(invoice.updated_at),
    }


def _ecf(invoice: Invoice) -> dict | None:
    from invoicing.ecf.models import EcfRecord

    record = EcfRecord.objects.filter(document_kind="invoice", document_id=invoice.pk).first()
    if record is None:
        return None
    return {"status": record.status, "environment": record.environment,
            "security_code": record.security_code, "signed_at": _stamp(record.signed_at),
            "qr_url": record.qr_url, "track_id": record.track_id or None,
            "sent_at": _stamp(record.sent_at) if record.sent_at else None,
            "answered_at": _stamp(record.answered_at) if record.answered_at else None,
            "messages": record.messages}


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
            {"description": "Tornillos \"M6\" — caja\tgrande", "quantity": "12345.6789",
             "unit_price": "0.01", "tax_ids": [itbis.pk]},
            {"description": "Muestra", "quantity": "0.0001", "unit_price": "0.00",
             "tax_ids": [exento.pk]},
        ])
    made["untaxed_lines"] = make_invoice(workspace, items=[
        {"description": "Sin impuesto", "quantity": "0.3333", "unit_price": "10.00"}])
    contact.name = "Ferretería Ozama (renamed)"  # the issued invoice keeps the frozen name
    contact.save()
    partial = make_invoice(workspace)
    payments.payment_record(invoice=partial, actor=owner, amount=Decimal("100.00"),
                            method="bank_transfer", reference="TRX-1")
    payments.payment_record(invoice=partial, actor=owner, amount=Decimal("50.00"),
                            date=today - datetime.timedelta(days=1))
    made["partially_paid"] = partial
    paid = make_invoice(workspace, salesman_ids=[
        SalesmanFactory(workspace=workspace, name="Zoila Peña").pk,
        SalesmanFactory(workspace=workspace, name="Andrés Féliz").pk])
    payments.payment_record(invoice=paid, actor=owner, amount=paid.total_amount,
                            method="card")
    made["paid_with_salesmen"] = paid
    cancelled = make_invoice(workspace)
    services.invoice_cancel(invoice=cancelled, actor=owner, reason_code="04",
                            reason="Error en el RNC")
    made["cancelled"] = cancelled
    usd = Currency.objects.get(workspace=workspace, code="USD")
    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5000"))  # issuing needs one
    made["usd"] = make_invoice(workspace, currency_id=usd.pk, contact=customer(workspace))
    converted = make_invoice(workspace)
    QuotationFactory(workspace=workspace, invoice=converted, status="invoiced")
    made["from_quotation"] = converted
    from tests.notes.helpers import amount_line, b01_invoice, credit, debit

    noted = b01_invoice(workspace)
    debit(workspace, noted, items=[amount_line("10.00", workspace)])
    credit(workspace, noted, items=[amount_line("50.00", workspace)])
    voided = credit(workspace, noted, items=[amount_line("5.00", workspace)])
    from invoicing.notes.services import note_cancel

    note_cancel(note=voided, actor=owner, reason_code="04")
    made["with_notes"] = noted
    return made


def _queryset(invoices):
    return Invoice.objects.filter(pk__in=[i.pk for i in invoices.values()]).order_by("id")


def test_the_sources_give_the_same_objects_as_the_reference(invoices):
    expected = [reference(invoice) for invoice in sorted(invoices.values(), key=lambda i: i.pk)]
    assert read.render(read._portable_rows(_queryset(invoices))) == expected
    if connection.vendor == "postgresql":
        assert read.render(read._json_rows(_queryset(invoices))) == expected


def test_detail_and_list_answer_the_reference(api, invoices):
    for name, invoice in invoices.items():
        response = api.get(f"{URL}/{invoice.pk}")
        assert response.status_code == 200, name
        assert response.json() == reference(invoice), name
    by_id = {invoice.pk: invoice for invoice in invoices.values()}
    for params in ("per_page=3", "per_page=3&page=2", "per_page=3&page=3", "sort=-total_amount",
                   "status=cancelled", "q=Ozama", "overdue=true"):
        response = api.get(f"{URL}?{params}")
        assert response.status_code == 200, params
        results = response.json()["results"]
        assert results, params
        assert results == [reference(by_id[row["id"]]) for row in results], params


def test_create_answers_from_what_it_wrote_the_same_object_as_a_read(api, workspace, owner,
                                                                     invoices):
    seller = SalesmanFactory(workspace=workspace, name="Zoila Peña")
    created = api.post(URL, {
        "contact_id": customer(workspace).pk, "document_subtype_id":
        invoices["usd"].document_subtype_id, "salesman_ids": [seller.pk],
        "items": [{"description": "Diseño", "quantity": "1.5", "unit_price": "10.00"},
                  {"product_id": product(workspace, price="455.50").pk, "quantity": "2"}],
    }, format="json")
    assert created.status_code == 201
    invoice = Invoice.objects.get(pk=created.json()["id"])
    assert created.json() == reference(invoice)
    draft = services.invoice_create(workspace=workspace, actor=owner,
                                    contact_id=customer(workspace).pk,
                                    document_subtype_id=invoice.document_subtype_id,
                                    items=[{"description": "x", "quantity": "1",
                                            "unit_price": "1.00"}], draft=True)
    assert selectors.written_invoice_data(draft) == reference(draft)


def test_missing_and_foreign_ids_are_404_as_before(api, other_workspace, invoices):
    foreign = make_invoice(other_workspace)
    for pk in (foreign.pk, 999_999_999, 99_999_999_999_999_999_999):
        response = api.get(f"{URL}/{pk}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
