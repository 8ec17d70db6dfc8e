"""Report pages (/reports/…): each shows its chart above its table, keeps its filter in the
query string, and downloads the same rows as CSV (`?format=csv`). Everyone in the workspace
reads reports; the DGII page and its files need `dgii_report_download` (accountant and up)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput
from invoicing.core.money import plain_number
from workspaces.decorators import workspace_required

from . import charts, dgii
from .aging import BUCKETS, receivables_report
from .api import text_file
from .csv_export import csv_response, report_csv
from .itbis import itbis_report
from .periods import Period, parse_date, parse_period, recent_periods
from .sales import GROUPS, sales_report

GROUP_LABELS = {"day": _("Day"), "month": _("Month"), "contact": _("Customer"),
                "product": _("Product"), "salesman": _("Salesman")}


def _period(request) -> Period:
    try:
        return parse_period(request.GET.get("period"))
    except InvalidInput as error:
        messages.error(request, error.message)
        return Period.of(timezone.localdate())


def _date(request, name, default):
    try:
        return parse_date(request.GET.get(name), field=name, default=default)
    except InvalidInput as error:
        messages.error(request, error.message)
        return default


def _page(request, template: str, context: dict, name: str, report: dict, filename: str):
    if request.GET.get("format") == "csv":
        rows, columns = report_csv(name, report)
        return csv_response(rows, columns, filename)
    query = request.GET.copy()
    query["format"] = "csv"
    context.update({"report": report, "csv_query": query.urlencode(), "active": name})
    return render(request, template, context)


@workspace_required("report_read")
def report_index(request):
    return render(request, "reports/index.html", {"active": "index"})


@workspace_required("report_read")
def sales_page(request):
    today = timezone.localdate()
    date_from = _date(request, "date_from", today.replace(day=1))
    date_to = _date(request, "date_to", today)
    if date_to < date_from:
        messages.error(request, _("The end date is before the start date."))
        date_to = date_from
    group_by = request.GET.get("group_by") if request.GET.get("group_by") in GROUPS else "day"
    report = sales_report(request.workspace, date_from=date_from, date_to=date_to,
                          group_by=group_by)
    return _page(request, "reports/sales.html", {
        "groups": GROUP_LABELS, "group_by": group_by,
        "chart": charts.rows_chart(report["rows"], name=_("Sales"),
                                   kind="hbars" if group_by not in ("day", "month")
                                   else "bars")},
        "sales", report, f"ventas_{date_from:%Y%m%d}_{date_to:%Y%m%d}_{group_by}.csv")


@workspace_required("report_read")
def receivables_page(request):
    as_of = _date(request, "as_of", timezone.localdate())
    contact = request.GET.get("contact_id")
    contact_id = int(contact) if contact and contact.isdigit() else None
    report = receivables_report(request.workspace, as_of=as_of, contact_id=contact_id)
    return _page(request, "reports/receivables.html", {
        "buckets": [(name, charts.BUCKET_LABELS[name]) for name in BUCKETS],
        "contact_id": contact_id, "chart": charts.receivables_by_age(request.workspace, report)},
        "receivables", report, f"cuentas_por_cobrar_{as_of:%Y%m%d}.csv")


@workspace_required("report_read")
def itbis_page(request):
    period = _period(request)
    report = itbis_report(request.workspace, period)
    chart = charts.chart("bars", [f"{plain_number(entry['rate'])}%" for entry in report["rates"]], [
        {"name": _("Taxed base"), "values": [str(entry["taxed_base"])
                                             for entry in report["rates"]]},
        {"name": _("ITBIS"), "values": [str(entry["itbis"]) for entry in report["rates"]]}])
    return _page(request, "reports/itbis.html", {
        "period": period, "periods": recent_periods(), "chart": chart},
        "itbis", report, f"itbis_{period.code}.csv")


@workspace_required("dgii_report_download")
def dgii_page(request):
    workspace, period = request.workspace, _period(request)
    listed, summed = dgii.split_607(workspace, period)
    months = dgii.months_overview(workspace, recent_periods())
    chart = charts.chart("bars", [entry["period"].start.strftime("%m/%y")
                                  for entry in reversed(months)], [
        {"name": _("607 total"), "values": [str(entry["total"]) for entry in reversed(months)]}])
    return render(request, "reports/dgii.html", {
        "active": "dgii", "period": period, "months": months, "chart": chart,
        "rows": dgii.preview_rows(listed),
        "warnings": dgii.warnings_607(listed), "summed": dgii.summary_607_from(summed),
        "voided": dgii.voided_documents_rows(workspace, period),
        "columns": dgii.COLUMN_TITLES})


@workspace_required("dgii_report_download")
def dgii_download(request, report: str):
    period = _period(request)
    workspace = request.workspace
    text = (dgii.file_607(workspace, period) if report == "607"
            else dgii.file_608(workspace, period))
    return text_file(text, dgii.file_name(report, workspace, period))
