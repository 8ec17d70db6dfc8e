"""The customer statement (issue 16): documents, payments and notes of a span in date order
with the running balance, as a page, a CSV and a PDF, linked from the contact's page; its
figures equal sums computed here from the documents; its query count does not grow with
them; a contact of another workspace is a 404."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.invoices.models import Invoice, Payment
from invoicing.invoices.payments import payment_record
from tests.conftest import make_member
from tests.invoices.helpers import fiscal_subtype, make_invoice
from tests.reports.scenario import FISCAL_LIFECYCLE
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
D = datetime.date
OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def independent(contact, date_from, date_to) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(opening, charges, credits, closing) in DOP, summed here from the rows themselves:
    standing invoices and debit notes up, credit notes and payments (with withholdings, not
    from the credit balance) down, each at its document's rate."""
    from django.apps import apps

    def standing(queryset):
        return [d for d in queryset if d.status not in ("draft", "cancelled")]

    invoices = standing(Invoice.objects.filter(contact=contact, issue_date__lte=date_to))
    notes = []
    if apps.is_installed("invoicing.notes"):
        note = apps.get_model("notes", "Note")
        notes = standing(note.objects.filter(contact=contact, issue_date__lte=date_to))
    payments = [p for p in Payment.objects.filter(invoice__in=invoices, date__lte=date_to)
                .select_related("invoice") if p.method != "credit_balance"]

    def dop(amount, rate):
        return _q(amount * rate)

    opening = charges = credits = Decimal("0")
    for doc in [*invoices, *notes]:
        sign = -1 if getattr(doc, "document_type", "invoice") == "credit_note" else 1
        value = dop(doc.total_amount, doc.exchange_rate)
        if doc.issue_date < date_from:
            opening += sign * value
        elif sign > 0:
            charges += value
        else:
            credits += value
    for payment in payments:
        value = dop(payment.amount, payment.invoice.exchange_rate) + dop(
            payment.withheld_amount, payment.invoice.exchange_rate)
        if payment.date < date_from:
            opening -= value
        else:
            credits += value
    return opening, charges, credits, opening + charges - credits


def test_the_statement_sums_what_the_documents_say(month, logged_in_client):
    company = month["contacts"]["company"]
    response = logged_in_client.get("/reports/statement/", {"contact_id": company.pk,
                                                            **OCTOBER})
    assert response.status_code == 200
    report = response.context["report"]
    opening, charges, credits, closing = independent(company, D(2026, 10, 1), D(2026, 10, 31))
    assert report["opening_balance"] == opening == Decimal("1180.00")  # September's B01
    assert report["totals"]["debit"] == charges
    assert report["totals"]["credit"] == credits
    assert report["closing_balance"] == closing
    # By hand: the US$ invoice's unpaid US$68 at 60.50 (4,114.00), less the credit notes
    # that went to the customer's credit balance (590 + 118 + 236) with the lifecycle.
    assert closing == (Decimal("3170.00") if FISCAL_LIFECYCLE else Decimal("4114.00"))
    balance = opening
    for row in report["rows"]:
        balance += row["debit"] - row["credit"]
        assert row["balance"] == balance
    dates = [row["date"] for row in report["rows"]]
    assert dates == sorted(dates)
    numbers = [row["document_number"] for row in report["rows"]]
    assert month["voided"].document_number not in numbers  # cancelled in October
    assert month["usd"].document_number in numbers
    usd = next(row for row in report["rows"] if row["id"] == month["usd"].pk
               and row["kind"] == "invoice")
    assert usd["debit"] == Decimal("7139.00")  # US$118 at the invoice's 60.50
    html = response.content.decode()
    assert 'data-testid="chart-statement"' in html and 'data-testid="statement-pdf"' in html


def test_the_statement_csv_and_pdf_carry_the_same_figures(month, logged_in_client):
    company = month["contacts"]["company"]
    params = {"contact_id": company.pk, **OCTOBER}
    page = logged_in_client.get("/reports/statement/", params)
    report = page.context["report"]
    response = logged_in_client.get("/reports/statement/", {**params, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="estado_de_cuenta_{company.pk}_20261001_20261031.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(report["rows"]) + 1  # the balance brought forward first
    assert Decimal(rows[0]["balance"]) == report["opening_balance"]
    assert Decimal(rows[-1]["balance"]) == report["closing_balance"]
    assert sum(Decimal(r["credit"] or "0") for r in rows) == report["totals"]["credit"]

    pdf = logged_in_client.get("/reports/statement/pdf/", params)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content,
                              capture_output=True, check=True).stdout.decode()
        assert "Estado de cuenta" in text and company.name in text
        closing = f"{report['closing_balance']:,.2f}"
        assert closing in text
        assert month["usd"].document_number in text


def test_the_contact_page_links_to_the_statement(month, logged_in_client):
    company = month["contacts"]["company"]
    html = logged_in_client.get(f"/contacts/{company.pk}/").content.decode()
    assert f'href="/reports/statement/?contact_id={company.pk}"' in html


def test_the_statement_costs_the_same_queries_for_more_documents(month, workspace,
                                                                logged_in_client):
    company = month["contacts"]["company"]
    params = {"contact_id": company.pk, **OCTOBER}

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert logged_in_client.get(path, params).status_code == 200
        return len(queries)

    count("/reports/statement/")
    before = [count("/reports/statement/"), count("/reports/statement/pdf/")]
    b01 = fiscal_subtype(workspace, "B01", start=100, end=900)
    for number in range(12):
        invoice = make_invoice(workspace, subtype=b01, contact=company,
                               issue_date=D(2026, 10, 16 + number))
        payment_record(invoice=invoice, actor=None, amount=Decimal("100.00"),
                       method=["cash", "card", "check"][number % 3], date=D(2026, 10, 28))
    assert [count("/reports/statement/"), count("/reports/statement/pdf/")] == before


def test_viewers_read_statements_and_other_workspaces_get_404(month, client, workspace,
                                                               other_workspace):
    from tests.factories import ContactFactory

    client.force_login(make_member(workspace, Role.VIEWER))
    company = month["contacts"]["company"]
    assert client.get("/reports/statement/", {"contact_id": company.pk}).status_code == 200
    assert client.get("/reports/statement/pdf/", {"contact_id": company.pk}).status_code == 200
    stranger = ContactFactory(workspace=other_workspace, name="Otra empresa")
    for path in ("/reports/statement/", "/reports/statement/pdf/"):
        assert client.get(path, {"contact_id": stranger.pk}).status_code == 404
    found = client.get("/reports/statement/", {"q": "Farmacia"}).content.decode()
    assert f"?contact_id={company.pk}" in found and "Otra empresa" not in found
