"""Report pages (/reports/…): each shows its chart above its table, keeps its filter in the
query string, and downloads the same rows as CSV (`?format=csv`). Everyone in the workspace
reads reports; the DGII page and its files need `dgii_report_download` (accountant and up)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.contacts.models import Contact
from invoicing.core.errors import InvalidInput
from invoicing.core.money import ZERO, plain_number
from invoicing.invoices.models import PaymentMethod
from workspaces.decorators import workspace_required

from . import charts, dgii
from .aging import BUCKETS, receivables_report
from .api import text_file
from .csv_export import csv_response, report_csv
from .itbis import itbis_report
from .lists import payments_csv
from .payments import payments_in, totals_by_method
from .periods import Period, parse_date, parse_period, recent_periods
from .sales import GROUPS, sales_report
from .statement import customer_statement, statement_pdf_response

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
    if request.GET.get("format") == "csv":
        # The preview's rows, the 607's (default) or the 608's, with the page's headings.
        report = "608" if request.GET.get("report") == "608" else "607"
        if report == "608":
            rows, titles = dgii.voided_documents_rows(workspace, period), dgii.COLUMN_TITLES_608
        else:
            rows, titles = dgii.preview_rows(listed), dgii.COLUMN_TITLES
        return csv_response([dict(zip(titles, row, strict=True)) for row in rows], titles,
                            f"dgii_{report}_{period.code}.csv")
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


def _statement(request):
    """The statement for `?contact_id=…&date_from=…&date_to=…`: a contact of another
    workspace is a 404, like every lookup; the span defaults to this year until today."""
    contact_id = request.GET.get("contact_id", "")
    if not contact_id.isdigit():
        return None
    contact = get_object_or_404(Contact, pk=int(contact_id), workspace=request.workspace)
    today = timezone.localdate()
    date_from = _date(request, "date_from", today.replace(month=1, day=1))
    date_to = _date(request, "date_to", today)
    if date_to < date_from:
        messages.error(request, _("The end date is before the start date."))
        date_to = date_from
    return customer_statement(request.workspace, contact=contact,
                                       date_from=date_from, date_to=date_to)


def _statement_name(report, extension: str) -> str:
    return (f"estado_de_cuenta_{report['contact_id']}_{report['date_from']:%Y%m%d}_"
            f"{report['date_to']:%Y%m%d}.{extension}")


@workspace_required("report_read")
def statement_page(request):
    report = _statement(request)
    if report is None:
        search = request.GET.get("q", "").strip()
        found = (Contact.objects.filter(workspace=request.workspace, name__icontains=search)
                 .order_by("name")[:25] if search else [])
        return render(request, "reports/statement.html", {
            "active": "statement", "report": None, "search": search, "found": found})
    query = request.GET.copy()
    query.pop("format", None)
    chart = charts.chart("bars", [row["date"].strftime("%d/%m") for row in report["rows"]][-31:],
                         [{"name": _("Balance"), "values": [str(row["balance"]) for row in
                                                           report["rows"]][-31:]}])
    return _page(request, "reports/statement.html", {
        "chart": chart, "pdf_query": query.urlencode()},
        "statement", report, _statement_name(report, "csv"))


@workspace_required("report_read")
def statement_pdf(request):
    report = _statement(request)
    if report is None:
        return render(request, "reports/statement.html", {
            "active": "statement", "report": None, "search": "", "found": []}, status=400)
    return statement_pdf_response(request.workspace, report, _statement_name(report, "pdf"),
                                  inline=request.GET.get("inline") == "1")


@workspace_required("report_read")
def payments_page(request):
    today = timezone.localdate()
    date_from = _date(request, "date_from", today.replace(day=1))
    date_to = _date(request, "date_to", today)
    method, search = request.GET.get("method", ""), request.GET.get("q", "").strip()
    payments = payments_in(request.workspace, date_from=date_from, date_to=date_to,
                           method=method, search=search)
    if request.GET.get("format") == "csv":
        return payments_csv(payments)
    by_method = totals_by_method(payments)
    page = Paginator(payments.select_related("invoice", "invoice__contact",
                                             "invoice__currency"), 50).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(request, "reports/payments.html", {
        "active": "payments", "date_from": date_from, "date_to": date_to, "method": method,
        "search": search, "methods": PaymentMethod.choices, "page": page,
        "query": query.urlencode(), "csv_query": csv_query.urlencode(),
        "by_method": by_method, "total": sum((row["amount"] for row in by_method), ZERO),
        "chart": charts.chart("hbars", [row["label"] for row in by_method], [
            {"name": _("Received"), "values": [str(row["amount"]) for row in by_method]}])})
