"""Every report costs the same number of queries for 10 documents or 30, and the role table
decides who reads what: viewers read reports, accountants and up download DGII files."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.invoices.payments import payment_record
from tests.factories import SalesmanFactory
from tests.invoices.helpers import fiscal_subtype, make_invoice, tax

pytestmark = pytest.mark.django_db

REPORTS = [
    ("/api/v1/reports/dgii-607", {"period": "202610"}),
    ("/api/v1/reports/dgii-607/summary", {"period": "202610"}),
    ("/api/v1/reports/dgii-608", {"period": "202610"}),
    ("/api/v1/reports/itbis", {"period": "202610"}),
    ("/api/v1/reports/receivables", {"as_of": "2026-11-30"}),
    ("/api/v1/reports/receivables", {"as_of": "2026-11-30", "format": "csv"}),
    *[("/api/v1/reports/sales", {"date_from": "2026-10-01", "date_to": "2026-10-31",
                                 "group_by": group}) for group in
      ("day", "month", "contact", "product", "salesman")],
]


def more_documents(workspace, count: int) -> None:
    b01 = fiscal_subtype(workspace, "B01", start=100, end=900)
    salesman = SalesmanFactory(workspace=workspace, commission_rate=Decimal("3"))
    for number in range(count):
        invoice = make_invoice(
            workspace, subtype=b01, issue_date=datetime.date(2026, 10, 20 + number * 5 // count),
            salesman_ids=[salesman.pk],
            items=[{"description": f"Línea {n}", "quantity": "1", "unit_price": "10.00",
                    "tax_ids": [tax(workspace, "ITBIS 18%").pk]} for n in range(3)])
        payment_record(invoice=invoice, actor=None, amount=Decimal("5.00"),
                       method=["cash", "card", "check"][number % 3],
                       date=datetime.date(2026, 10, 28))


def query_counts(client) -> list[int]:
    counts = []
    for path, params in REPORTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200, (path, response.content[:300])
        counts.append(len(queries))
    return counts


def test_query_counts_do_not_grow_with_the_documents(month, workspace, accountant_api):
    query_counts(accountant_api)  # warm caches (the key, the session's role)
    before = query_counts(accountant_api)
    more_documents(workspace, 20)
    assert query_counts(accountant_api) == before


@pytest.mark.parametrize("role_api, may_download", [
    ("viewer_api", False), ("seller_api", False), ("accountant_api", True), ("api", True)])
def test_viewers_read_reports_and_accountants_download_dgii_files(
        request, workspace, role_api, may_download):
    client = request.getfixturevalue(role_api)
    for path, params in REPORTS:
        response = client.get(path, params)
        dgii = "/dgii-" in path
        expected = 200 if (may_download or not dgii) else 403
        assert response.status_code == expected, (role_api, path, response.status_code)


def test_reports_show_nothing_of_another_workspace(month, other_api):
    """The cross-workspace walk (tests/core) checks every report route answers the intruder
    differently; here, figure by figure: none of the golden month reaches another workspace."""
    for path, params in REPORTS:
        response = other_api.get(path, params)
        assert response.status_code == 200, path
        if "/dgii-60" in path and "summary" not in path:
            assert response.content.split(b"\r\n")[0].endswith(b"|0"), path
        elif path.endswith("summary"):
            assert response.json()["file"]["count"] == 0
        elif params.get("format") == "csv":
            assert response.content.count(b"\r\n") == 1, path  # the header only
        elif "rows" in response.json():
            assert response.json()["rows"] == [], path
        else:
            assert response.json()["itbis"] == "0.00", path
