"""The fiscal documents of a month with every figure the DGII files and the ITBIS report
need, in the workspace currency (DOP) at each document's fixed rate.

Per source: one query for the documents, one for their lines (taxes by kind and rate), one
for their payments up to the end of the month (sources that take payments). The count is
the same for 1 document or 100,000.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Max, Sum

from invoicing.core.money import ZERO, quantize_money

from .periods import end_of_day
from .sources import PAYMENT_COLUMNS, PAYMENT_FORMS, Source, sources

DOC_FIELDS = ("id", "document_number", "issue_date", "exchange_rate", "subtotal_amount",
              "discount_amount", "tax_amount", "total_amount", "contact_id", "buyer_name",
              "buyer_tax_id_type", "buyer_tax_id", "status", "cancelled_at",
              "cancel_reason_code")


def rate_key(rate) -> str:
    return f"{Decimal(str(rate)).quantize(Decimal('0.01'))}"


def _documents(source: Source, workspace, start, end, until, *, ids=None):
    queryset = source.rows(workspace).filter(source.fiscal())
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    else:
        queryset = queryset.filter(issue_date__gte=start, issue_date__lte=end)
    return queryset.filter(source.standing(until))


def _line_figures(source: Source, documents) -> dict[int, dict]:
    """Per document, in its own currency: taxed base and ITBIS per rate, exempt base, ISC,
    propina, other taxes (from each line's frozen taxes)."""
    fk = source.line_document
    figures: dict[int, dict] = defaultdict(lambda: {
        "taxed": defaultdict(Decimal), "itbis": defaultdict(Decimal), "exempt": ZERO,
        "isc": ZERO, "tip": ZERO, "other": ZERO})
    lines = (source.line_model.objects.filter(**{f"{fk}__in": documents.values("id")})
             .values_list(f"{fk}_id", "subtotal", "discount_amount", "taxes").order_by())
    for document_id, subtotal, discount, taxes in lines.iterator(chunk_size=2000):
        entry, net = figures[document_id], subtotal - discount
        treated = False
        for tax in taxes or []:
            kind, amount = tax.get("kind"), Decimal(str(tax.get("amount", "0")))
            if kind == "itbis":
                rate = rate_key(tax.get("rate", "0"))
                entry["taxed"][rate] += net
                entry["itbis"][rate] += amount
                treated = True
            elif kind == "exempt":
                entry["exempt"] += net
                treated = True
            elif kind in ("isc", "tip"):
                entry[kind] += amount
            else:
                entry["other"] += amount
        if not treated:
            entry["exempt"] += net
    return figures


def _payments(source: Source, documents, until: datetime.date) -> dict[int, dict]:
    """Per document and payment form, what was paid by `until`, in its own currency; under
    `withheld`, what the buyer withheld by then (it settles the document, but is no form of
    payment: DGII reads it in columns 10 and 12)."""
    if not source.payments:
        return {}
    fk = source.model._meta.get_field(source.payments).field.name
    extra = {"withheld": Sum("withheld_amount")} if source.payment_has("withheld_amount") else {}
    paid: dict[int, dict] = defaultdict(lambda: defaultdict(Decimal))
    rows = (source.payment_model.objects
            .filter(**{f"{fk}__in": documents.values("id")}, date__lte=until)
            .values(f"{fk}_id", "method").annotate(total=Sum("amount"), **extra).order_by())
    for row in rows:
        column = PAYMENT_COLUMNS.get(row["method"], "other")
        paid[row[f"{fk}_id"]][column] += row["total"]
        paid[row[f"{fk}_id"]]["withheld"] += row.get("withheld") or ZERO
    return paid


def _withholdings(source: Source, workspace, period) -> dict[int, dict]:
    """Per document, what was withheld on payments dated in the month (DOMAIN.md: they show
    in the 607 of the month they were withheld), with the last such date."""
    if not source.payment_has("withholdings"):
        return {}
    payment = source.payment_model
    fk = source.model._meta.get_field(source.payments).field.name
    model = payment._meta.get_field("withholdings").related_model
    # On the payment's own workspace and date: its (workspace, -date) index reads the month.
    rows = (model.objects.filter(payment__workspace=workspace,
                                 **{f"payment__{fk}__workspace": workspace},
                                 payment__date__gte=period.start, payment__date__lte=period.end)
            .values("kind", document=F(f"payment__{fk}_id"))
            .annotate(total=Sum("amount"), last=Max("payment__date")).order_by())
    found: dict[int, dict] = {}
    for row in rows:
        entry = found.setdefault(row["document"], {"date": row["last"], "itbis": ZERO,
                                                   "isr": ZERO})
        entry["date"] = max(entry["date"], row["last"])
        entry[row["kind"]] = entry.get(row["kind"], ZERO) + row["total"]
    return found


def _dop(value: Decimal, rate: Decimal) -> Decimal:
    return quantize_money(value * rate)


def _row(source: Source, doc: dict, lines: dict, paid: dict) -> dict:
    rate = doc["exchange_rate"]
    taxed = {key: _dop(value, rate) for key, value in sorted(lines["taxed"].items())}
    itbis = {key: _dop(value, rate) for key, value in sorted(lines["itbis"].items())}
    row = {
        "kind": source.kind, "sign": source.sign, "id": doc["id"],
        "ncf": doc["document_number"], "ncf_type": doc["ncf_type"],
        "modified_ncf": doc.get("rep_modified_ncf") or "", "issue_date": doc["issue_date"],
        "contact_id": doc["contact_id"], "buyer_name": doc["buyer_name"],
        "buyer_tax_id_type": doc["buyer_tax_id_type"], "buyer_tax_id": doc["buyer_tax_id"],
        "exchange_rate": rate, "over_30_days": bool(doc.get("rep_over_30_days")),
        "cancelled_at": doc["cancelled_at"], "cancel_reason_code": doc["cancel_reason_code"],
        "base": _dop(doc["subtotal_amount"] - doc["discount_amount"], rate),
        "taxed_by_rate": taxed, "itbis_by_rate": itbis, "itbis": sum(itbis.values(), ZERO),
        "exempt": _dop(lines["exempt"], rate), "isc": _dop(lines["isc"], rate),
        "tip": _dop(lines["tip"], rate), "other": _dop(lines["other"], rate),
        "withholding_date": None, "itbis_withheld": ZERO, "isr_withheld": ZERO,
        "repeated": False,  # an earlier month's document, listed again for a withholding
    }
    row["total"] = row["base"] + row["itbis"] + row["isc"] + row["tip"] + row["other"]
    forms = {form: _dop(paid.get(form, ZERO), rate) for form in PAYMENT_FORMS}
    settled = sum(forms.values(), ZERO) + _dop(paid.get("withheld", ZERO), rate)
    forms["credit"] = max(row["total"] - settled, ZERO)
    row["paid"] = forms
    return row


def _fields(source: Source) -> dict:
    extra = {"ncf_type": F("document_subtype__ncf_type")}
    if source.modified_ncf:
        extra["rep_modified_ncf"] = F(source.modified_ncf)
    if source.over_30_days:
        extra["rep_over_30_days"] = F(source.over_30_days)
    return extra


def _source_rows(source: Source, workspace, period, ids=None) -> list[dict]:
    documents = _documents(source, workspace, period.start, period.end, period.ends_at, ids=ids)
    lines = _line_figures(source, documents)
    paid = _payments(source, documents, period.end)
    return [_row(source, doc, lines[doc["id"]], paid.get(doc["id"], {}))
            for doc in documents.values(*DOC_FIELDS, **_fields(source)).order_by()]


def _withheld(row: dict, withheld: dict) -> dict:
    rate = row["exchange_rate"]
    return {**row, "withholding_date": withheld["date"],
            "itbis_withheld": _dop(withheld.get("itbis", ZERO), rate),
            "isr_withheld": _dop(withheld.get("isr", ZERO), rate)}


def month_documents(workspace, period) -> list[dict]:
    """Every standing fiscal sales document of the month, from every source, with payments
    up to the end of the month; and again an earlier month's document on which a withholding
    was recorded this month (with that withholding)."""
    rows = []
    for source in sources():
        withheld = _withholdings(source, workspace, period)
        found = _source_rows(source, workspace, period)
        rows.extend(_withheld(row, withheld[row["id"]]) if row["id"] in withheld else row
                    for row in found)
        earlier = sorted(set(withheld) - {row["id"] for row in found})
        if earlier:
            rows.extend({**_withheld(row, withheld[row["id"]]), "repeated": True}
                        for row in _source_rows(source, workspace, period, ids=earlier)
                        if row["issue_date"] < period.start)
    rows.sort(key=lambda row: (row["issue_date"], row["ncf"] or ""))
    return rows


def voided_documents(workspace, period) -> list[dict]:
    """Fiscal documents cancelled (voided) during the month, every source: DGII's 608."""
    rows = []
    start = end_of_day(period.start - datetime.timedelta(days=1))
    for source in sources():
        queryset = (source.rows(workspace).filter(source.fiscal())
                    .filter(status=source.cancelled_status, cancelled_at__gte=start,
                            cancelled_at__lt=period.ends_at)
                    .values("id", "document_number", "issue_date", "cancel_reason_code",
                            "cancelled_at").order_by())
        rows.extend({"kind": source.kind, **row} for row in queryset)
    rows.sort(key=lambda row: row["document_number"] or "")
    return rows
