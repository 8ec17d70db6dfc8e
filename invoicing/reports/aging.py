"""Receivables aging as of a day (API.md "Reports"): what each customer owes, by days past
due (current, 1–30, 31–60, 61–90, over 90), in the workspace currency at each document's
fixed rate. One query for the open documents (with what was paid by that day), and one per
note source for the notes that raise or lower their balance (credit notes lower it)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from invoicing.core.money import ZERO, quantize_money

from .periods import end_of_day
from .sources import sources

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
MONEY = DecimalField(max_digits=20, decimal_places=2)


def bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_over_90"


def _note_adjustments(workspace, as_of) -> dict[tuple[str, int], Decimal]:
    """Per modified document: debit notes minus credit notes issued by `as_of`."""
    adjustments: dict = defaultdict(Decimal)
    for source in sources():
        if not source.modifies:
            continue
        rows = (source.rows(workspace).filter(issue_date__lte=as_of)
                .filter(source.standing(end_of_day(as_of)))
                .exclude(**{f"{source.modifies}__isnull": True})
                .values(target=F(f"{source.modifies}_id")).annotate(total=Sum("total_amount"))
                .order_by())
        for row in rows:
            adjustments[row["target"]] += source.sign * row["total"]
    return adjustments


def open_documents(workspace, as_of: datetime.date, *, contact_id: int | None = None
                   ) -> list[dict]:
    """Every document with a balance on `as_of`, with its days past due and bucket."""
    adjustments = _note_adjustments(workspace, as_of)
    found = []
    for source in sources():
        if not source.receivable:
            continue
        settled = F(f"{source.payments}__amount")
        if source.payment_has("withheld_amount"):  # withholdings count as paid
            settled = settled + F(f"{source.payments}__withheld_amount")
        paid = Coalesce(Sum(settled, filter=Q(**{f"{source.payments}__date__lte": as_of}),
                            output_field=MONEY), Value(ZERO), output_field=MONEY)
        documents = (source.rows(workspace).filter(issue_date__lte=as_of)
                     .filter(source.standing(end_of_day(as_of))))
        if contact_id is not None:
            documents = documents.filter(contact_id=contact_id)
        candidates = Q(total_amount__gt=F("paid_by"))
        if adjustments:
            candidates |= Q(id__in=list(adjustments))
        rows = (documents.annotate(paid_by=paid).filter(candidates)
                .values("id", "document_number", "issue_date", "due_date", "contact_id",
                        "exchange_rate", "total_amount", "paid_by", name=F("contact__name"))
                .order_by("due_date", "id"))
        for row in rows:
            balance = row["total_amount"] + adjustments.get(row["id"], ZERO) - row["paid_by"]
            if balance <= 0:
                continue
            days = (as_of - row["due_date"]).days
            found.append({**row, "kind": source.kind, "days_past_due": max(days, 0),
                          "bucket": bucket(days),
                          "balance": quantize_money(balance * row["exchange_rate"])})
    return found


def receivables_report(workspace, *, as_of: datetime.date, contact_id: int | None = None
                       ) -> dict:
    documents = open_documents(workspace, as_of, contact_id=contact_id)
    by_contact: dict = {}
    for doc in documents:
        row = by_contact.setdefault(doc["contact_id"], {
            "contact_id": doc["contact_id"], "name": doc["name"],
            **dict.fromkeys(BUCKETS, ZERO), "total": ZERO})
        row[doc["bucket"]] += doc["balance"]
        row["total"] += doc["balance"]
    rows = sorted(by_contact.values(), key=lambda row: (-row["total"], row["name"]))
    totals = {name: sum((row[name] for row in rows), ZERO) for name in (*BUCKETS, "total")}
    answer = {"as_of": as_of, "rows": rows, "totals": totals, "documents": None}
    if contact_id is not None:
        answer["documents"] = [
            {"id": doc["id"], "kind": doc["kind"], "document_number": doc["document_number"],
             "issue_date": doc["issue_date"], "due_date": doc["due_date"],
             "days_past_due": doc["days_past_due"], "bucket": doc["bucket"],
             "balance": doc["balance"]} for doc in documents]
    return answer
