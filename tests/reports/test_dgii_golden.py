"""The golden month: the 607 and 608 files are exactly the expected bytes (CRLF included),
and reading them back gives the API's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.reports.parsing import parse, sums
from tests.reports.scenario import FISCAL_LIFECYCLE

pytestmark = pytest.mark.django_db

Z = "0.00"


def row(buyer, id_type, ncf, date, base, itbis, *, tip=Z, cash=Z, bank=Z, card=Z, credit=Z,
        modified="", withheld_on="", itbis_withheld=Z):
    return "|".join([buyer, id_type, ncf, modified, "01", date, withheld_on, base, itbis,
                     itbis_withheld, Z, Z, Z, Z, Z, tip, cash, bank, card, credit, Z, Z,
                     Z]) + "\r\n"


EXPECTED_607 = (
    "607|131246796|202610|6\r\n"
    + row("101850043", "1", "B0100000002", "20261005", "2000.00", "360.00", cash="1000.00",
          bank="1360.00")
    + row("00113918205", "2", "B0200000002", "20261008", "250000.00", "45000.00",
          credit="295000.00")
    + row("401506254", "1", "B1400000001", "20261009", "10000.00", Z, card="10000.00")
    + row("131246796", "1", "B1500000002", "20261012", "5000.00", "800.00", credit="5800.00")
    + row("101850043", "1", "E310000000001", "20261014", "1000.00", "180.00", tip="100.00",
          cash="1280.00")
    + row("101850043", "1", "B0100000004", "20261015", "6050.00", "1089.00", card="3025.00",
          credit="4114.00")
).encode()

EXPECTED_608 = b"608|131246796|202610|1\r\nB0100000003|20261006|04\r\n"

EXPECTED_607_SEPTEMBER = (
    "607|131246796|202609|2\r\n"
    + row("101850043", "1", "B0100000001", "20260928", "1000.00", "180.00", credit="1180.00")
    + row("131246796", "1", "B1500000001", "20260930", "10000.00", "1800.00",
          credit="11800.00")
).encode()

# With the fiscal lifecycle: the three notes (their NCF modified; unpaid, on credit), and
# September's B15 again, in the month its ITBIS was withheld (30% of 1,800.00).
NOTE_ROWS = {
    "20261020": row("101850043", "1", "B0400000001", "20261020", "500.00", "90.00",
                    credit="590.00", modified="B0100000002"),
    "20261022": row("101850043", "1", "E340000000001", "20261022", "100.00", "18.00",
                    credit="118.00", modified="E310000000001"),
    "20261029": row("101850043", "1", "B0400000002", "20261029", "200.00", "36.00",
                    credit="236.00", modified="B0100000001"),
}
WITHHELD_ROW = row("131246796", "1", "B1500000001", "20260930", "10000.00", "1800.00",
                   bank="11260.00", withheld_on="20261025", itbis_withheld="540.00")


def expected_607() -> bytes:
    if not FISCAL_LIFECYCLE:
        return EXPECTED_607
    lines = EXPECTED_607.decode().split("\r\n")[1:-1]
    lines = sorted([*(line + "\r\n" for line in lines), *NOTE_ROWS.values(), WITHHELD_ROW],
                   key=lambda text: (text.split("|")[5], text.split("|")[2]))
    return (f"607|131246796|202610|{len(lines)}\r\n" + "".join(lines)).encode()


def test_607_is_exactly_the_expected_bytes(month, accountant_api):
    response = accountant_api.get("/api/v1/reports/dgii-607", {"period": "202610"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="DGII_F_607_131246796_202610.TXT"')
    assert response.content == expected_607()


def test_608_lists_the_document_voided_in_the_month(month, accountant_api):
    response = accountant_api.get("/api/v1/reports/dgii-608", {"period": "202610"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('DGII_F_608_131246796_202610.TXT"')
    assert response.content == EXPECTED_608


def test_payments_count_by_the_end_of_the_month(month, accountant_api):
    """September's invoice, paid on 3 October, was on credit at the end of September."""
    response = accountant_api.get("/api/v1/reports/dgii-607", {"period": "202609"})
    assert response.content == EXPECTED_607_SEPTEMBER
    assert accountant_api.get("/api/v1/reports/dgii-608", {"period": "202609"}).content == (
        b"608|131246796|202609|0\r\n")


def test_the_files_read_back_to_the_api_figures(month, accountant_api):
    head, rows = parse(accountant_api.get("/api/v1/reports/dgii-607",
                                          {"period": "202610"}).content, "607")
    assert head == {"report": "607", "rnc": "131246796", "period": "202610",
                    "count": 10 if FISCAL_LIFECYCLE else 6}
    summary = accountant_api.get("/api/v1/reports/dgii-607/summary",
                                 {"period": "202610"}).json()
    figures = sums(rows)
    file = summary["file"]
    assert file["count"] == len(rows)
    for key, column in [("base", "base"), ("itbis", "itbis"), ("tip", "tip"), ("isc", "isc"),
                        ("other_taxes", "other_taxes"), ("cash", "cash"), ("bank", "bank"),
                        ("card", "card"), ("credit", "credit"), ("other", "other")]:
        assert Decimal(file[key]) == figures[column], key
    paid = sum(figures[key] for key in ("cash", "bank", "card", "credit", "gift", "swap",
                                        "other"))
    # Every document is paid by some form, on credit, or withheld by the buyer.
    assert Decimal(file["total"]) == paid + figures["itbis_withheld"] + figures["isr_withheld"]
    consumo = summary["consumo_summed"]
    assert consumo["count"] == 1 and consumo["total"] == "590.00" and consumo["card"] == "590.00"
    assert summary["warnings"] == []

    itbis = accountant_api.get("/api/v1/reports/itbis", {"period": "202610"}).json()
    notes = [r for r in rows if r["ncf"][:3] in ("B03", "B04", "E33", "E34")]
    own = [r for r in rows if r not in notes and r["date"].startswith("202610")]
    assert all(r["modified_ncf"] for r in notes)
    assert Decimal(itbis["itbis"]) == sums(own)["itbis"] + Decimal(consumo["itbis"])
    assert Decimal(itbis["propina"]) == sums(own)["tip"]
    assert Decimal(itbis["sales_total"]) == sums(own)["base"] + Decimal(consumo["base"])
    credited = [itbis[f"credit_notes_{span}"] for span in ("within_30_days", "over_30_days")]
    assert sum(Decimal(entry["itbis"]) for entry in credited) == sums(notes)["itbis"]
    assert Decimal(itbis["itbis_net"]) == Decimal(itbis["itbis"]) - Decimal(credited[0]["itbis"])
    assert Decimal(file["itbis_withheld"]) == figures["itbis_withheld"]
    if FISCAL_LIFECYCLE:
        assert (credited[0]["itbis"], credited[1]["itbis"]) == ("108.00", "36.00")
        assert figures["itbis_withheld"] == Decimal("540.00")

    _head, voided = parse(accountant_api.get("/api/v1/reports/dgii-608",
                                             {"period": "202610"}).content, "608")
    assert voided == [{"ncf": month["voided"].document_number, "date": "20261006",
                       "reason": "04"}]


def test_a_month_with_nothing_is_filed_en_cero(workspace, accountant_api):
    response = accountant_api.get("/api/v1/reports/dgii-607", {"period": "202601"})
    assert response.content == b"607|131246796|202601|0\r\n"


@pytest.mark.parametrize("period", ["2026-10", "202613", "20261", "abcdef", "209901"])
def test_a_malformed_or_future_period_is_400(workspace, accountant_api, period):
    response = accountant_api.get("/api/v1/reports/dgii-607", {"period": period})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"period": [response.json()["error"]
                                                             ["message"]]}
