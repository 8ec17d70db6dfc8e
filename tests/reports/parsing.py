"""A reader of DGII's 607/608 text files, written from DOMAIN.md's layout alone (it shares
no code with the writer), so the tests can read a file back to its figures."""

from __future__ import annotations

from decimal import Decimal

COLUMNS_607 = ("buyer_id", "id_type", "ncf", "modified_ncf", "income_type", "date",
               "withholding_date", "base", "itbis", "itbis_withheld", "itbis_perceived",
               "isr_withheld", "isr_perceived", "isc", "other_taxes", "tip", "cash", "bank",
               "card", "credit", "gift", "swap", "other")
AMOUNTS = COLUMNS_607[7:]


def parse(data: bytes, report: str) -> tuple[dict, list[dict]]:
    text = data.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""), "CRLF only"
    lines = text[:-2].split("\r\n")
    name, rnc, period, count = lines[0].split("|")
    assert name == report and int(count) == len(lines) - 1
    columns = COLUMNS_607 if report == "607" else ("ncf", "date", "reason")
    rows = []
    for raw in lines[1:]:
        values = raw.split("|")
        assert len(values) == len(columns), raw
        row = dict(zip(columns, values, strict=True))
        for key in AMOUNTS if report == "607" else ():
            assert row[key] == f"{Decimal(row[key]):.2f}", (key, row[key])
            row[key] = Decimal(row[key])
        rows.append(row)
    return {"report": name, "rnc": rnc, "period": period, "count": int(count)}, rows


def sums(rows: list[dict]) -> dict:
    return {key: sum((row[key] for row in rows), Decimal("0.00")) for key in AMOUNTS}
