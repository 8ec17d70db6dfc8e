"""Report pages: each renders its chart's data above its table with a fixed number of
queries, downloads its CSV, and the DGII page and files are for accountants and up."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_member
from tests.reports.test_queries_and_roles import more_documents
from workspaces.roles import Role

pytestmark = pytest.mark.django_db

PAGES = [
    ("/", {}),
    ("/reports/", {}),
    ("/reports/sales/", {"date_from": "2026-10-01", "date_to": "2026-10-31"}),
    ("/reports/sales/", {"date_from": "2026-10-01", "date_to": "2026-10-31",
                         "group_by": "salesman"}),
    ("/reports/receivables/", {"as_of": "2026-11-30"}),
    ("/reports/itbis/", {"period": "202610"}),
    ("/reports/dgii/", {"period": "202610"}),
    ("/reports/payments/", {"date_from": "2026-10-01", "date_to": "2026-10-31"}),
    ("/reports/statement/", {"q": "Farmacia"}),
]


def chart_data(html: str, testid: str) -> dict:
    marker = f'data-testid="chart-{testid}"'
    start = html.index(marker)
    attribute = html.index('data-chart="', start) + len('data-chart="')
    from html import unescape

    return json.loads(unescape(html[attribute:html.index('"', attribute)]))


def test_pages_show_their_charts_and_tables(month, logged_in_client):
    html = logged_in_client.get("/reports/sales/", {"date_from": "2026-10-01",
                                                    "date_to": "2026-10-31"}).content.decode()
    data = chart_data(html, "sales")
    assert data["type"] == "bars" and data["labels"][0] == "05/10/2026"
    assert 'data-testid="report-table"' in html
    dgii = logged_in_client.get("/reports/dgii/", {"period": "202610"}).content.decode()
    assert "B0100000004" in dgii and "B0100000003" in dgii  # the 607 row and the 608 row
    assert "295000.00" in dgii
    aging = logged_in_client.get("/reports/receivables/", {"as_of": "2026-11-30"})
    assert chart_data(aging.content.decode(), "aging")["series"][0]["values"]


def test_the_dashboard_draws_the_workspace_currency(month, logged_in_client, workspace):
    html = logged_in_client.get("/").content.decode()
    for testid in ("monthly-sales", "receivables-age", "top-customers"):
        assert chart_data(html, testid)["labels"], testid


def test_pages_keep_their_query_counts(month, workspace, logged_in_client):
    def counts():
        found = []
        for path, params in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert logged_in_client.get(path, params).status_code == 200, path
            found.append(len(queries))
        return found

    counts()
    before = counts()
    more_documents(workspace, 15)
    assert counts() == before


def test_page_csv_follows_the_filter(month, logged_in_client):
    response = logged_in_client.get("/reports/sales/", {
        "date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": "contact",
        "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "Farmacia Los Hidalgos SRL" in response.content.decode()


def test_dgii_files_download_from_the_page(month, logged_in_client):
    from tests.reports.test_dgii_golden import EXPECTED_608, expected_607

    assert logged_in_client.get("/reports/dgii/607/", {"period": "202610"}).content == \
        expected_607()
    assert logged_in_client.get("/reports/dgii/608/", {"period": "202610"}).content == \
        EXPECTED_608


@pytest.mark.parametrize("role, dgii", [(Role.VIEWER, 403), (Role.SELLER, 403),
                                        (Role.ACCOUNTANT, 200)])
def test_viewers_read_reports_but_only_accountants_open_dgii(client, workspace, role, dgii):
    client.force_login(make_member(workspace, role))
    for path in ("/reports/", "/reports/sales/", "/reports/receivables/", "/reports/itbis/",
                 "/reports/payments/", "/reports/statement/"):
        assert client.get(path).status_code == 200, path
    for path in ("/reports/dgii/", "/reports/dgii/607/", "/reports/dgii/608/"):
        assert client.get(path).status_code == dgii, path
    page = client.get("/reports/").content.decode()
    assert ('href="/reports/dgii/"' in page) == (dgii == 200)


def test_the_invoice_panel_converts_foreign_currency(month, logged_in_client):
    """Receivable: B02 295,000 + B15 5,800 + the US$ invoice's unpaid US$68 at 60.50."""
    html = logged_in_client.get("/").content.decode()
    assert "RD$304,914.00" in html
