"""Chart data for the pages: plain lists of labels and values (money as strings), drawn as
SVG in the browser by our own `static/js/charts.js`. The dashboard's figures are in the
workspace currency, every document converted at its own fixed rate (never summed across
currencies as if they were one)."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from .aging import BUCKETS, receivables_report
from .sales import sales_report

BUCKET_LABELS = {"current": _("Current"), "days_1_30": "1–30", "days_31_60": "31–60",
                 "days_61_90": "61–90", "days_over_90": "> 90"}


def chart(kind: str, labels: list[str], series: list[dict], **extra) -> str:
    """The `data-chart` attribute of a `<figure class="chart">`."""
    return json.dumps({"type": kind, "labels": labels, "series": series, **extra},
                      default=str)


def _month_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def monthly_sales(workspace, today: datetime.date | None = None) -> str:
    """The last 12 months against the same months a year before (one aggregate query)."""
    today = today or timezone.localdate()
    first = _month_back(today, 23)
    report = sales_report(workspace, date_from=first, date_to=today, group_by="month")
    by_month = {row["key"]: row["total_amount"] for row in report["rows"]}
    months = [_month_back(today, back) for back in range(11, -1, -1)]
    this = [str(by_month.get(month.isoformat(), "0.00")) for month in months]
    last = [str(by_month.get(_month_back(month, 12).isoformat(), "0.00")) for month in months]
    return chart("grouped", [month.strftime("%m/%y") for month in months], [
        {"name": _("Last 12 months"), "values": this},
        {"name": _("A year before"), "values": last}])


def receivables_by_age(workspace, report: dict | None = None) -> str:
    report = report or receivables_report(workspace, as_of=timezone.localdate())
    return chart("bars", [str(BUCKET_LABELS[name]) for name in BUCKETS], [
        {"name": _("Receivable"), "values": [str(report["totals"][name]) for name in BUCKETS]}])


def top_customers(workspace, today: datetime.date | None = None, count: int = 5) -> str:
    today = today or timezone.localdate()
    report = sales_report(workspace, date_from=_month_back(today, 11), date_to=today,
                          group_by="contact")
    rows = report["rows"][:count]
    return chart("hbars", [row["label"] for row in rows], [
        {"name": _("Sales"), "values": [str(row["total_amount"]) for row in rows]}])


def rows_chart(rows: list[dict], *, label: str = "label", value: str = "total_amount",
               name: str = "", kind: str = "bars", limit: int = 31) -> str:
    rows = rows[:limit]
    return chart(kind, [str(row[label]) for row in rows],
                 [{"name": name, "values": [str(row[value]) for row in rows]}])
