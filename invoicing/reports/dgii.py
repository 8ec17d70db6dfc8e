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
    for key in ("base", "itbis", "isc", "tip", "total", "itbis_withheld", "isr_withheld"):
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


def summary_607_from(summed: list[dict]) -> dict:
    return _totals(summed)


def voided_documents_rows(workspace, period) -> list[list[str]]:
    return [fields_608(row) for row in voided_documents(workspace, period)]


COLUMN_TITLES = ("RNC/Cédula", "Tipo ID", "NCF", "NCF modificado", "Tipo ingreso", "Fecha",
                 "Fecha retención", "Monto facturado", "ITBIS", "ITBIS retenido",
                 "ITBIS percibido", "ISR retenido", "ISR percibido", "ISC", "Otros impuestos",
                 "Propina legal", "Efectivo", "Cheque/transferencia", "Tarjeta", "Crédito",
                 "Bonos", "Permuta", "Otras formas")
COLUMN_TITLES_608 = ("NCF", "Fecha comprobante", "Tipo de anulación")



def months_overview(workspace, periods: list) -> list[dict]:
    """Per month: the 607's rows and total, and the 608's count — one aggregate query per
    source and report, whatever the months or the documents. A document counts in its month
    when it stood at the month's end (cancelled in a later month, it still counts)."""
    from django.db.models import Count, DecimalField, F, Q, Sum
    from django.db.models.functions import ExtractMonth, ExtractYear, Round

    from .sources import sources

    first, last = periods[-1], periods[0]
    money = DecimalField(max_digits=20, decimal_places=2)
    found = {period.code: {"period": period, "rows": 0, "total": ZERO, "voided": 0}
             for period in periods}

    def month_of(field):
        return ExtractYear(field) * 100 + ExtractMonth(field)

    for source in sources():
        base = source.rows(workspace).filter(source.fiscal())
        issued = (base.filter(issue_date__gte=first.start, issue_date__lte=last.end)
                  .annotate(rep_month=month_of("issue_date"),
                            rep_cancelled=month_of("cancelled_at"),
                            rep_dop=Round(F("total_amount") * F("exchange_rate"), 2,
                                          output_field=money))
                  .filter(~Q(status=source.cancelled_status)
                          | Q(rep_cancelled__gt=F("rep_month"))))
        if source.draft_status:
            issued = issued.exclude(status=source.draft_status)
        listed = ~(Q(document_subtype__ncf_type__in=CONSUMO_TYPES)
                   & Q(rep_dop__lt=CONSUMO_BUYER_ID_THRESHOLD))
        rows = (issued.values("rep_month").annotate(rows=Count("id", filter=listed),
                                                    total=Sum("rep_dop", filter=listed))
                .order_by())
        for row in rows:
            entry = found.get(str(row["rep_month"]))
            if entry:
                entry["rows"] += row["rows"]
                entry["total"] += row["total"] or ZERO
        voided = (base.filter(status=source.cancelled_status, cancelled_at__isnull=False)
                  .annotate(rep_month=month_of("cancelled_at"))
                  .filter(rep_month__gte=int(first.code), rep_month__lte=int(last.code))
                  .values("rep_month").annotate(count=Count("id")).order_by())
        for row in voided:
            entry = found.get(str(row["rep_month"]))
            if entry:
                entry["voided"] += row["count"]
    return list(found.values())
