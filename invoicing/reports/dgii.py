"""DGII's monthly files: 607 (sales) and 608 (voided NCFs), exactly as DOMAIN.md "Monthly
reports: exact layout" says.

`|`-separated, UTF-8, every line ended by CRLF; header `{report}|{RNC}|{YYYYMM}|{rows}`;
dates `YYYYMMDD`; amounts absolute with 2 decimals (`0.00` when nothing), no padding; an
empty field (no buyer ID, no NCF modified, no withholding date) is empty between the pipes.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from invoicing.core.money import ZERO
from invoicing.fiscal.rules import CONSUMO_BUYER_ID_THRESHOLD, buyer_identity_problem

from .documents import month_documents, voided_documents
from .sources import PAYMENT_FORMS

CONSUMO_TYPES = frozenset({"B02", "E32"})
ID_TYPES = {"rnc": "1", "cedula": "2", "passport": "3", "foreign": "3"}
CRLF = "\r\n"


def amount(value: Decimal) -> str:
    return f"{abs(value):.2f}"


def day(value) -> str:
    return value.strftime("%Y%m%d") if value else ""


def is_summed_consumo(row: dict) -> bool:
    """B02/E32 under RD$250,000 (total with taxes): summed outside the 607, never listed."""
    return row["ncf_type"] in CONSUMO_TYPES and row["total"] < CONSUMO_BUYER_ID_THRESHOLD


def split_607(workspace, period) -> tuple[list[dict], list[dict]]:
    """(the rows of the file, the consumo documents it only sums)."""
    listed, summed = [], []
    for row in month_documents(workspace, period):
        (summed if is_summed_consumo(row) else listed).append(row)
    return listed, summed


def fields_607(row: dict) -> list[str]:
    tax_id = row["buyer_tax_id"] or ""
    paid = row["paid"]
    return [
        tax_id, ID_TYPES.get(row["buyer_tax_id_type"], "") if tax_id else "",
        row["ncf"], row["modified_ncf"], "01", day(row["issue_date"]),
        day(row["withholding_date"]), amount(row["base"]), amount(row["itbis"]),
        amount(row["itbis_withheld"]), amount(ZERO), amount(row["isr_withheld"]),
        amount(ZERO), amount(row["isc"]), amount(row["other"]), amount(row["tip"]),
        *(amount(paid[form]) for form in ("cash", "bank", "card", "credit", "gift", "swap",
                                          "other")),
    ]


def _text(report: str, workspace, period, lines: list[list[str]]) -> str:
    head = [report, workspace.rnc or "", period.code, str(len(lines))]
    return "".join("|".join(fields) + CRLF for fields in [head, *lines])


def file_607(workspace, period, listed: list[dict] | None = None) -> str:
    if listed is None:
        listed, _summed = split_607(workspace, period)
    return _text("607", workspace, period, [fields_607(row) for row in listed])


def fields_608(row: dict) -> list[str]:
    return [row["document_number"], day(row["issue_date"]), row["cancel_reason_code"] or ""]


def file_608(workspace, period, voided: list[dict] | None = None) -> str:
    if voided is None:
        voided = voided_documents(workspace, period)
    return _text("608", workspace, period, [fields_608(row) for row in voided])


def file_name(report: str, workspace, period) -> str:
    return f"DGII_F_{report}_{workspace.rnc}_{period.code}.TXT"


def _totals(rows: list[dict]) -> dict:
    totals = {"count": len(rows)}
    for key in ("base", "itbis", "isc", "tip", "total"):
        totals[key] = sum((row[key] for row in rows), ZERO)
    totals["other_taxes"] = sum((row["other"] for row in rows), ZERO)
    for form in PAYMENT_FORMS:
        totals[form] = sum((row["paid"][form] for row in rows), ZERO)
    return totals


def summary_607(workspace, period) -> dict:
    """The figures of the file, and the consumo documents it leaves out, by payment form."""
    listed, summed = split_607(workspace, period)
    return {"period": period.code, "file": _totals(listed), "consumo_summed": _totals(summed),
            "warnings": warnings_607(listed)}


def warnings_607(listed: list[dict]) -> list[dict]:
    """Rows DGII would reject: a document that needs the buyer's ID without a valid one."""
    found = []
    for row in listed:
        if row["kind"] != "invoice":
            continue  # notes follow the document they modify
        buyer = SimpleNamespace(name=row["buyer_name"], tax_id=row["buyer_tax_id"],
                                tax_id_type=row["buyer_tax_id_type"] or "none")
        problem = buyer_identity_problem(ncf_type_code=row["ncf_type"], contact=buyer,
                                         total_in_dop=row["total"])
        if problem:
            found.append({"ncf": row["ncf"], "id": row["id"], "message": str(problem)})
    return found


def preview_rows(listed: list[dict]) -> list[list[str]]:
    return [fields_607(row) for row in listed]
