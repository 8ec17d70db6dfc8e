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
