"""Sales, aging and ITBIS equal sums computed here, independently, from the documents
(foreign currency at each document's fixed rate, rounded per document)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.apps import apps

from invoicing.invoices.models import Invoice, InvoiceLine, Payment

pytestmark = pytest.mark.django_db
D = datetime.date
CENT = Decimal("0.01")


def dop(value, rate) -> Decimal:
    return (value * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def standing(workspace):
    return [invoice for invoice in Invoice.objects.filter(workspace=workspace)
            if invoice.status != "cancelled"]


def notes(workspace) -> list:
    """Issued credit and debit notes, once the notes app is installed (else none)."""
    if not apps.is_installed("invoicing.notes"):
        return []
    model = apps.get_model("notes", "Note")
    return list(model.objects.filter(workspace=workspace, status="issued"))


def sign(note) -> int:
    return -1 if note.document_type == "credit_note" else 1


def settled(payment) -> Decimal:
    return payment.amount + getattr(payment, "withheld_amount", Decimal("0"))


def money(value) -> Decimal:
    return Decimal(value)


@pytest.mark.parametrize("group_by", ["day", "month", "contact", "product", "salesman"])
def test_sales_equal_the_documents(month, viewer_api, workspace, group_by):
    answer = viewer_api.get("/api/v1/reports/sales", {
        "date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": group_by}).json()
    in_october = [(1, i) for i in standing(workspace)
                  if D(2026, 10, 1) <= i.issue_date <= D(2026, 10, 31)]
    in_october += [(sign(n), n) for n in notes(workspace) if n.issue_date.month == 10]
    expected_total = sum(s * dop(i.total_amount, i.exchange_rate) for s, i in in_october)
    assert money(answer["totals"]["total_amount"]) == expected_total
    assert money(answer["totals"]["tax_amount"]) == sum(s * dop(i.tax_amount, i.exchange_rate)
                                                        for s, i in in_october)
    if group_by == "contact":
        by_contact = defaultdict(Decimal)
        for s, i in in_october:
            by_contact[str(i.contact_id)] += s * dop(i.total_amount, i.exchange_rate)
        assert {row["key"]: money(row["total_amount"]) for row in answer["rows"]} == by_contact
    if group_by == "day":
        assert [row["key"] for row in answer["rows"]] == sorted(
            {i.issue_date.isoformat() for _s, i in in_october})
    if group_by == "month":
        assert [(row["key"], row["count"]) for row in answer["rows"]] == [
            ("2026-10-01", len(in_october))]


def test_salesmen_share_a_document_equally_with_their_commission(workspace, viewer_api):
    from tests.factories import SalesmanFactory
    from tests.invoices.helpers import make_invoice

    ana = SalesmanFactory(workspace=workspace, name="Ana", commission_rate=Decimal("10"))
    luis = SalesmanFactory(workspace=workspace, name="Luis", commission_rate=Decimal("5"))
    make_invoice(workspace, issue_date=D(2026, 10, 2), salesman_ids=[ana.pk, luis.pk],
                 items=[{"description": "Obra", "quantity": "1", "unit_price": "1000.00"}])
    make_invoice(workspace, issue_date=D(2026, 10, 3), salesman_ids=[ana.pk],
                 items=[{"description": "Obra", "quantity": "1", "unit_price": "300.00"}])
    answer = viewer_api.get("/api/v1/reports/sales", {
        "date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": "salesman"}).json()
    rows = {row["label"]: row for row in answer["rows"]}
    assert rows["Ana"]["total_amount"] == "800.00" and rows["Ana"]["commission_amount"] == "80.00"
    assert rows["Luis"]["total_amount"] == "500.00" and rows["Luis"]["commission_amount"] == "25.00"
    assert answer["totals"]["total_amount"] == "1300.00"


@pytest.mark.parametrize("as_of", [D(2026, 10, 31), D(2026, 11, 20), D(2027, 1, 31)])
def test_aging_equals_the_open_balances(month, viewer_api, workspace, as_of):
    answer = viewer_api.get("/api/v1/reports/receivables", {"as_of": as_of.isoformat()}).json()
    expected = defaultdict(lambda: defaultdict(Decimal))
    for invoice in standing(workspace):
        if invoice.issue_date > as_of:
            continue
        paid = sum((settled(p) for p in Payment.objects.filter(invoice=invoice,
                                                                date__lte=as_of)), Decimal("0"))
        noted = sum((sign(n) * n.total_amount for n in notes(workspace)
                     if n.invoice_id == invoice.pk and n.issue_date <= as_of), Decimal("0"))
        balance = invoice.total_amount + noted - paid
        if balance <= 0:
            continue
        days = (as_of - invoice.due_date).days
        name = ("current" if days <= 0 else "days_1_30" if days <= 30 else "days_31_60"
                if days <= 60 else "days_61_90" if days <= 90 else "days_over_90")
        expected[invoice.contact_id][name] += dop(balance, invoice.exchange_rate)
        expected[invoice.contact_id]["total"] += dop(balance, invoice.exchange_rate)
    got = {row["contact_id"]: {key: money(value) for key, value in row.items()
                               if key not in ("contact_id", "name") and money(value)}
           for row in answer["rows"]}
    assert got == {contact: dict(figures) for contact, figures in expected.items()}
    assert money(answer["totals"]["total"]) == sum(f["total"] for f in expected.values())


def test_aging_drills_down_to_the_documents(month, viewer_api):
    company = month["contacts"]["company"]
    answer = viewer_api.get("/api/v1/reports/receivables", {
        "as_of": "2026-12-01", "contact_id": company.pk}).json()
    assert [row["contact_id"] for row in answer["rows"]] == [company.pk]
    assert [doc["document_number"] for doc in answer["documents"]] == ["B0100000004"]
    assert answer["documents"][0]["balance"] == "4114.00"
    assert answer["documents"][0]["bucket"] == "days_1_30"


def test_itbis_equals_the_lines(month, viewer_api, workspace):
    answer = viewer_api.get("/api/v1/reports/itbis", {"period": "202610"}).json()
    taxed, itbis, exempt, tip = defaultdict(Decimal), defaultdict(Decimal), Decimal(0), Decimal(0)
    october = {i.pk: i for i in standing(workspace) if i.issue_date.month == 10
               and i.document_subtype.ncf_type}
    for line in InvoiceLine.objects.filter(invoice_id__in=october):
        rate = october[line.invoice_id].exchange_rate
        for entry in line.taxes:
            if entry["kind"] == "itbis":
                key = f"{Decimal(entry['rate']):.2f}"
                taxed[key] += dop(line.net_amount, rate)
                itbis[key] += dop(Decimal(entry["amount"]), rate)
            elif entry["kind"] == "exempt":
                exempt += dop(line.net_amount, rate)
            elif entry["kind"] == "tip":
                tip += dop(Decimal(entry["amount"]), rate)
    rates = {row["rate"]: row for row in answer["rates"]}
    for key in taxed:
        assert money(rates[key]["taxed_base"]) == taxed[key]
        assert money(rates[key]["itbis"]) == itbis[key]
    assert money(answer["itbis"]) == sum(itbis.values()) == Decimal("47519.00")
    assert money(answer["exempt_base"]) == exempt == Decimal("10000.00")
    assert money(answer["propina"]) == tip == Decimal("100.00")
    credited = {False: Decimal(0), True: Decimal(0)}
    for note in notes(workspace):
        if note.document_type == "credit_note" and note.issue_date.month == 10:
            for line in note.lines.all():
                credited[note.over_30_days] += sum(
                    (dop(Decimal(e["amount"]), note.exchange_rate) for e in line.taxes
                     if e["kind"] == "itbis"), Decimal(0))
    assert money(answer["credit_notes_within_30_days"]["itbis"]) == credited[False]
    assert money(answer["credit_notes_over_30_days"]["itbis"]) == credited[True]
    assert money(answer["itbis_net"]) == money(answer["itbis"]) - credited[False]


def test_every_report_answers_csv(month, viewer_api):
    sales = viewer_api.get("/api/v1/reports/sales", {"date_from": "2026-10-01",
                                                     "date_to": "2026-10-31",
                                                     "group_by": "contact", "format": "csv"})
    assert sales["Content-Type"] == "text/csv; charset=utf-8"
    lines = sales.content.decode().split("\r\n")
    assert lines[0] == "key,label,count,subtotal_amount,discount_amount,tax_amount,total_amount"
    assert any("Farmacia Los Hidalgos SRL" in line for line in lines)
    by_accept = viewer_api.get("/api/v1/reports/receivables", {"as_of": "2026-10-31"},
                               HTTP_ACCEPT="text/csv")
    assert by_accept.content.startswith(b"contact_id,name,current,")
    itbis = viewer_api.get("/api/v1/reports/itbis", {"period": "202610", "format": "csv"})
    assert itbis.content.startswith(b"code,label,amount\r\n")
