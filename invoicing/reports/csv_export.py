"""CSV of every report: the same rows as the JSON (and the page), one header line."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

COLUMNS = {
    "sales": ("key", "label", "count", "subtotal_amount", "discount_amount", "tax_amount",
              "total_amount", "commission_rate", "commission_amount"),
    "receivables": ("contact_id", "name", "current", "days_1_30", "days_31_60", "days_61_90",
                    "days_over_90", "total"),
    "receivables_documents": ("id", "kind", "document_number", "issue_date", "due_date",
                              "days_past_due", "bucket", "balance"),
    "itbis": ("code", "label", "amount"),
    "statement": ("date", "label", "document_number", "description", "debit", "credit",
                  "balance"),
}


def csv_text(rows: list[dict], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in columns])
    return buffer.getvalue()


def csv_response(rows: list[dict], columns: tuple[str, ...], filename: str) -> HttpResponse:
    response = HttpResponse(csv_text(rows, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_csv(name: str, report: dict) -> tuple[list[dict], tuple[str, ...]]:
    """The rows of a report as the CSV writes them."""
    if name == "statement":
        opening = {"date": report["date_from"], "label": _("Balance brought forward"),
                   "balance": report["opening_balance"]}
        return [opening, *report["rows"]], COLUMNS["statement"]
    if name == "itbis":
        return report["lines"], COLUMNS["itbis"]
    if name == "receivables" and report.get("documents") is not None:
        return report["documents"], COLUMNS["receivables_documents"]
    columns = COLUMNS[name]
    if name == "sales" and report["group_by"] != "salesman":
        columns = columns[:-2]
    return report["rows"], columns
