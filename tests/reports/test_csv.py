"""CSV for every report and for the invoice, payment, contact and product lists (issue 16):
each page links "Descargar CSV" with its current filter; the file has exactly the rows of
that filter (every page of them, in the page's order), and costs the same queries for more
rows."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.invoices.models import Invoice, Payment
from invoicing.invoices.payments import payment_record
from tests.factories import ContactFactory, ProductFactory
from tests.invoices.helpers import fiscal_subtype, make_invoice, tax

pytestmark = pytest.mark.django_db
D = datetime.date


def read(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    body = (b"".join(response.streaming_content) if response.streaming
            else response.content).decode()
    assert body.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(body)))


def csv_link(client, path, params) -> str:
    """The page's "Download CSV" link, followed as the browser would."""
    from html import unescape

    html = client.get(path, params).content.decode()
    marker = html.index('data-testid="csv"')
    start = html.index('href="', marker) + len('href="')
    return unescape(html[start:html.index('"', start)])


def follow(client, path, params):
    href = csv_link(client, path, params)
    assert href.startswith("?") and "format=csv" in href
    return client.get(path + href)


# --- Lists ---------------------------------------------------------------------------------


def test_the_invoice_list_csv_has_every_row_of_the_filter(month, workspace, logged_in_client):
    company = month["contacts"]["company"]
    b01 = fiscal_subtype(workspace, "B01", start=100, end=900)
    for number in range(30):  # more than a page (25)
        make_invoice(workspace, subtype=b01, contact=company,
                     issue_date=D(2026, 11, 1 + number * 28 // 30))  # numbers follow dates
    params = {"contact": company.pk, "date_from": "2026-10-01", "sort": "total_amount"}
    rows = read(follow(logged_in_client, "/invoices/", params))
    expected = (Invoice.objects.filter(workspace=workspace, contact=company,
                                       issue_date__gte=D(2026, 10, 1))
                .order_by("total_amount", "id"))
    assert [int(row["id"]) for row in rows] == [invoice.pk for invoice in expected]
    usd = next(row for row in rows if int(row["id"]) == month["usd"].pk)
    assert usd["currency"] == "USD" and usd["total_amount"] == "118.00"
    assert usd["amount_due"] == str(month["usd"].__class__.objects.get(pk=month["usd"].pk)
                                    .amount_due)
    assert usd["customer"] == "Farmacia Los Hidalgos SRL"


def test_the_contact_and_product_list_csv_follow_their_filter(workspace, logged_in_client):
    for number in range(30):
        ContactFactory(workspace=workspace, name=f"Inactivo {number:02d}", is_active=False)
        ProductFactory(workspace=workspace, name=f"Rastreado {number:02d}",
                       tracks_inventory=True)
    ContactFactory(workspace=workspace, name="Activo SRL")
    ProductFactory(workspace=workspace, name="Sin inventario")
    contacts = read(follow(logged_in_client, "/contacts/", {"status": "inactive"}))
    assert [row["name"] for row in contacts] == [f"Inactivo {n:02d}" for n in range(30)]
    assert {row["is_active"] for row in contacts} == {"False"}
    products = read(follow(logged_in_client, "/products/", {"stock": "tracked"}))
    assert [row["name"] for row in products] == [f"Rastreado {n:02d}" for n in range(30)]


def test_the_payment_list_csv_follows_its_filter(month, workspace, logged_in_client):
    params = {"date_from": "2026-10-01", "date_to": "2026-10-31", "method": "card"}
    page = logged_in_client.get("/reports/payments/", params)
    assert page.status_code == 200
    rows = read(follow(logged_in_client, "/reports/payments/", params))
    expected = Payment.objects.filter(workspace=workspace, method="card",
                                      date__range=(D(2026, 10, 1), D(2026, 10, 31)))
    assert sorted(int(row["id"]) for row in rows) == sorted(p.pk for p in expected)
    # The US$50 card payment on the US$ invoice, converted at its 60.50.
    usd = next(row for row in rows if row["invoice"] == month["usd"].document_number)
    assert (usd["currency"], usd["amount"], usd["amount_dop"]) == ("USD", "50.00", "3025.00")
    total = sum(Decimal(row["amount_dop"]) for row in rows)
    assert page.context["total"] == total


def test_list_csv_costs_the_same_queries_for_more_rows(month, workspace, logged_in_client):
    lists = [("/invoices/", {}), ("/contacts/", {}), ("/products/", {}),
             ("/reports/payments/", {"date_from": "2026-01-01", "date_to": "2026-12-31"})]

    def counts():
        found = []
        for path, params in lists:
            with CaptureQueriesContext(connection) as queries:
                read(logged_in_client.get(path, {**params, "format": "csv"}))
            found.append(len(queries))
        return found

    counts()
    before = counts()
    b01 = fiscal_subtype(workspace, "B01", start=100, end=900)
    for number in range(15):
        contact = ContactFactory(workspace=workspace)
        invoice = make_invoice(workspace, subtype=b01, contact=contact,
                               issue_date=D(2026, 10, 16 + number))
        payment_record(invoice=invoice, actor=None, amount=Decimal("10.00"), method="cash",
                       date=D(2026, 10, 31))
        ProductFactory(workspace=workspace).taxes.set([tax(workspace, "ITBIS 18%")])
    assert counts() == before


# --- Reports -------------------------------------------------------------------------------


def test_every_report_page_downloads_its_rows(month, logged_in_client):
    sales = logged_in_client.get("/reports/sales/", {
        "date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": "contact"})
    rows = read(follow(logged_in_client, "/reports/sales/", {
        "date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": "contact"}))
    assert [row["label"] for row in rows] == [row["label"] for row in
                                              sales.context["report"]["rows"]]
    assert [Decimal(row["total_amount"]) for row in rows] == [
        row["total_amount"] for row in sales.context["report"]["rows"]]

    aging = logged_in_client.get("/reports/receivables/", {"as_of": "2026-11-30"})
    rows = read(follow(logged_in_client, "/reports/receivables/", {"as_of": "2026-11-30"}))
    assert [Decimal(row["total"]) for row in rows] == [
        row["total"] for row in aging.context["report"]["rows"]]

    itbis = logged_in_client.get("/reports/itbis/", {"period": "202610"})
    rows = read(follow(logged_in_client, "/reports/itbis/", {"period": "202610"}))
    assert [row["code"] for row in rows] == [line["code"] for line in
                                            itbis.context["report"]["lines"]]

    company = month["contacts"]["company"]
    params = {"contact_id": company.pk, "date_from": "2026-10-01", "date_to": "2026-10-31"}
    statement = logged_in_client.get("/reports/statement/", params)
    rows = read(follow(logged_in_client, "/reports/statement/", params))
    assert len(rows) == 1 + len(statement.context["report"]["rows"])


def test_the_dgii_preview_downloads_as_csv(month, logged_in_client):
    from tests.reports.parsing import parse
    from tests.reports.test_dgii_golden import expected_607

    _head, file_rows = parse(expected_607(), "607")
    rows = read(follow(logged_in_client, "/reports/dgii/", {"period": "202610"}))
    assert [row["NCF"] for row in rows] == [row["ncf"] for row in file_rows]
    b01 = next(row for row in rows if row["NCF"] == month["b01"].document_number)
    assert (b01["Monto facturado"], b01["Efectivo"], b01["Cheque/transferencia"]) == (
        "2000.00", "1000.00", "1360.00")
    voided = read(logged_in_client.get("/reports/dgii/", {"period": "202610", "format": "csv",
                                                          "report": "608"}))
    assert voided == [{"NCF": month["voided"].document_number,
                       "Fecha comprobante": "20261006", "Tipo de anulación": "04"}]
