"""The dashboard and every report page draw their charts (SVG with data, by our own
static/js/charts.js under the page's CSP); the 607 and a CSV download from the pages."""

import pytest

pytestmark = pytest.mark.browser


def drawn_bars(page, testid: str) -> list[str]:
    figure = page.get_by_test_id(f"chart-{testid}")
    figure.locator("svg.chart-svg").wait_for()
    return figure.locator("rect.chart-bar").evaluate_all(
        "bars => bars.map(bar => bar.getAttribute('data-value'))")


def test_dashboard_and_reports_draw_charts_and_download(logged_in_page, staff):
    from tests.invoices.helpers import make_invoice
    from tests.reports.scenario import golden_month
    from tests.reports.test_dgii_golden import expected_607

    page = logged_in_page
    _user, workspace = staff
    golden_month(workspace)
    make_invoice(workspace)  # this month, so the 12-month charts have data whenever this runs

    page.goto("/")
    for testid in ("monthly-sales", "receivables-age", "top-customers"):
        values = drawn_bars(page, testid)
        assert any(float(value) > 0 for value in values), (testid, values)

    for path, testid in [("/reports/sales/?date_from=2026-10-01&date_to=2026-10-31", "sales"),
                         ("/reports/sales/?date_from=2026-10-01&date_to=2026-10-31"
                          "&group_by=contact", "sales"),
                         ("/reports/receivables/?as_of=2026-11-30", "aging"),
                         ("/reports/itbis/?period=202610", "itbis"),
                         ("/reports/dgii/?period=202610", "dgii")]:
        page.goto(path)
        values = drawn_bars(page, testid)
        assert any(float(value) > 0 for value in values), (path, values)

    page.goto("/reports/dgii/?period=202610")
    rows = expected_607().count(b"\r\n") - 1
    assert page.get_by_test_id("dgii-preview").locator("tbody tr").count() == rows
    with page.expect_download() as download_info:
        page.get_by_test_id("download-607").click()
    download = download_info.value
    assert download.suggested_filename == "DGII_F_607_131246796_202610.TXT"
    with open(download.path(), "rb") as file:
        assert file.read() == expected_607()

    page.goto("/reports/sales/?date_from=2026-10-01&date_to=2026-10-31&group_by=contact")
    with page.expect_download() as download_info:
        page.get_by_test_id("csv").click()
    download = download_info.value
    assert download.suggested_filename == "ventas_20261001_20261031_contact.csv"
    with open(download.path(), encoding="utf-8") as file:
        text = file.read()
    assert text.startswith("key,label,count,") and "Farmacia Los Hidalgos SRL" in text


def test_statement_payments_and_list_csv_from_the_pages(logged_in_page, staff):
    """The contact page opens its statement (chart drawn), which downloads as PDF and CSV;
    the payments page draws its chart; the invoice list downloads its filtered CSV."""
    from tests.reports.scenario import golden_month

    page = logged_in_page
    _user, workspace = staff
    month = golden_month(workspace)
    company = month["contacts"]["company"]

    page.goto(f"/contacts/{company.pk}/")
    page.get_by_test_id("contact-statement").click()
    page.wait_for_url(f"**/reports/statement/?contact_id={company.pk}")
    page.goto(f"/reports/statement/?contact_id={company.pk}&date_from=2026-10-01"
              "&date_to=2026-10-31")
    assert any(float(value) > 0 for value in drawn_bars(page, "statement"))
    assert page.get_by_test_id("statement-row").count() > 0
    with page.expect_download() as download_info:
        page.get_by_test_id("statement-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith("_20261001_20261031.pdf")
    with open(download.path(), "rb") as file:
        assert file.read(4) == b"%PDF"
    with page.expect_download() as download_info:
        page.get_by_test_id("csv").click()
    with open(download_info.value.path(), encoding="utf-8") as file:
        assert file.read().startswith("date,label,document_number,")

    page.goto("/reports/payments/?date_from=2026-10-01&date_to=2026-10-31")
    assert any(float(value) > 0 for value in drawn_bars(page, "payments"))

    page.goto(f"/invoices/?contact={company.pk}")
    with page.expect_download() as download_info:
        page.get_by_test_id("csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith("facturas_")
    with open(download.path(), encoding="utf-8") as file:
        lines = file.read().splitlines()
    assert lines[0].startswith("id,document_number,") and len(lines) > 3
    assert all("Farmacia Los Hidalgos SRL" in line for line in lines[1:])
