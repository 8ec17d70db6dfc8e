"""Sales by day, month, customer, product or salesman (API.md "Reports"): one aggregate query
per source, in the workspace currency (each document's figures converted at its fixed rate
and rounded per document). Credit notes subtract, debit notes add; a document with several
salesmen counts in equal shares for each, with each one's commission at their rate."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Sum
from django.db.models.functions import Round, TruncMonth
from django.utils.translation import gettext as _

from invoicing.core.money import ZERO, quantize_money

from .periods import end_of_day
from .sources import Source, sources

GROUPS = ("day", "month", "contact", "product", "salesman")
FIGURES = ("subtotal_amount", "discount_amount", "tax_amount", "total_amount")
LINE_FIGURES = {"subtotal_amount": "subtotal", "discount_amount": "discount_amount",
                "tax_amount": "tax_amount", "total_amount": "total"}
MONEY = DecimalField(max_digits=20, decimal_places=2)


def _in_dop(field: str, rate: str = "exchange_rate"):
    return Round(F(field) * F(rate), 2, output_field=MONEY)


def _documents(source: Source, workspace, date_from, date_to):
    return (source.rows(workspace).filter(issue_date__gte=date_from,
                                                 issue_date__lte=date_to)
            .filter(source.standing(end_of_day(date_to))))


def _by_document_key(source, documents, group_by):
    key = {"day": F("issue_date"), "month": TruncMonth("issue_date"),
           "contact": F("contact_id")}[group_by]
    label = {"contact": F("contact__name")}.get(group_by, key)
    return (documents.values(key_=key, label_=label)
            .annotate(count_=Count("id"), **{name: Sum(_in_dop(name)) for name in FIGURES})
            .order_by())


def _by_product(source, documents):
    fk = source.line_document
    lines = source.line_model.objects.filter(**{f"{fk}__in": documents.values("id")})
    return (lines.values(key_=F("product_id"), label_=F("product__name"))
            .annotate(count_=Count(f"{fk}_id", distinct=True),
                      **{name: Sum(_in_dop(field, f"{fk}__exchange_rate"))
                         for name, field in LINE_FIGURES.items()})
            .order_by())


def _salesman_path(source: Source) -> str | None:
    names = {field.name for field in source.model._meta.get_fields()}
    if "salesmen" in names:
        return "salesmen"
    if source.modifies:
        return f"{source.modifies}__salesmen"
    return None


def _by_salesman(source, documents) -> list[dict]:
    path = _salesman_path(source)
    extra = ({"sid": F(f"{path}__id"), "sname": F(f"{path}__name"),
              "srate": F(f"{path}__commission_rate")} if path else {})
    rows = list(documents.values("id", **extra, **{f"v_{name}": _in_dop(name)
                                                   for name in FIGURES}).order_by())
    shares = defaultdict(int)
    for row in rows:
        shares[row["id"]] += 1
    grouped: dict = {}
    for row in rows:
        share = Decimal(shares[row["id"]])
        entry = grouped.setdefault(row.get("sid"), {
            "key_": row.get("sid"), "label_": row.get("sname"), "count_": 0,
            "commission_rate": row.get("srate"), "commission_amount": ZERO,
            **dict.fromkeys(FIGURES, ZERO)})
        entry["count_"] += 1
        for name in FIGURES:
            entry[name] += row[f"v_{name}"] / share
        if row.get("srate") is not None:
            net = (row["v_subtotal_amount"] - row["v_discount_amount"]) / share
            entry["commission_amount"] += net * row["srate"] / 100
    return list(grouped.values())


def _key_text(value) -> str | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None if value is None else str(value)


def _label(group_by: str, key, label) -> str:
    if key is None:
        return {"product": _("No product (free text)"), "salesman": _("No salesman")}.get(
            group_by, "—")
    if group_by == "day":
        return key.strftime("%d/%m/%Y")
    if group_by == "month":
        return key.strftime("%m/%Y")
    return str(label)


def sales_report(workspace, *, date_from: datetime.date, date_to: datetime.date,
                 group_by: str = "day") -> dict:
    merged: dict = {}
    for source in sources():
        documents = _documents(source, workspace, date_from, date_to)
        if group_by == "product":
            rows = _by_product(source, documents)
        elif group_by == "salesman":
            rows = _by_salesman(source, documents)
        else:
            rows = _by_document_key(source, documents, group_by)
        for row in rows:
            key = row["key_"]
            if isinstance(key, datetime.datetime):
                key = key.date()
            entry = merged.setdefault(key, {
                "key": _key_text(key), "label": _label(group_by, key, row["label_"]),
                "count": 0, **dict.fromkeys(FIGURES, ZERO)})
            entry["count"] += row["count_"]
            for name in FIGURES:
                entry[name] += source.sign * (row[name] or ZERO)
            if group_by == "salesman":
                entry["commission_rate"] = row["commission_rate"]
                entry["commission_amount"] = (entry.get("commission_amount", ZERO)
                                              + source.sign * row["commission_amount"])
    rows = sorted(merged.values(), key=_order(group_by))
    for row in rows:
        row.setdefault("commission_rate", None)
        row.setdefault("commission_amount", None)
        for name in (*FIGURES, "commission_amount"):
            if row[name] is not None:
                row[name] = quantize_money(row[name])
    totals = {"count": sum(row["count"] for row in rows)}
    for name in FIGURES:
        totals[name] = sum((row[name] for row in rows), ZERO)
    totals["commission_amount"] = (sum((row["commission_amount"] for row in rows), ZERO)
                                   if group_by == "salesman" else None)
    return {"date_from": date_from, "date_to": date_to, "group_by": group_by, "rows": rows,
            "totals": totals}


def _order(group_by: str):
    if group_by in ("day", "month"):
        return lambda row: row["key"] or ""
    return lambda row: (-row["total_amount"], row["label"])
