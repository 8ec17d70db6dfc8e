"""`/api/v1/reports/…` (API.md "Reports"): not paginated, amounts in the workspace currency
(DOP) at each document's fixed rate. Viewers read the reports; the DGII files need the role
of `dgii_report_download` (accountant and up). Every report also answers CSV (`Accept:
text/csv` or `?format=csv`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput
from invoicing.invoices.models import Invoice

from . import serializers
from .aging import receivables_report
from .csv_export import csv_response, report_csv
from .dgii import file_607, file_608, file_name, summary_607
from .itbis import itbis_report
from .periods import Period, parse_date, parse_period
from .sales import GROUPS, sales_report


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else b""


class TextRenderer(renderers.BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else b""


PERIOD = OpenApiParameter("period", OpenApiTypes.STR, OpenApiParameter.QUERY,
                          pattern=r"^\d{6}$", description="The month, `YYYYMM` (default: "
                          "this month); not in the future.")
CSV_FORMAT = OpenApiParameter("format", OpenApiTypes.STR, OpenApiParameter.QUERY,
                              enum=["json", "csv"], description="`csv` for CSV (or send "
                              "`Accept: text/csv`).")
NO_FORMAT = OpenApiParameter("format", exclude=True)
TXT = {(200, "text/plain"): OpenApiResponse(response=OpenApiTypes.STR,
                                            description="The DGII file, CRLF line ends.")}


def _with_csv(serializer) -> dict:
    return {(200, "application/json"): serializer,
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR,
                                               description="The same rows as CSV.")}


def text_file(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportsViewSet(WorkspaceViewSet):
    queryset = Invoice.objects.none()
    pagination_class = None
    filter_backends = []
    action_names = {"dgii_607": "dgii_report_download", "dgii_607_summary":
                    "dgii_report_download", "dgii_608": "dgii_report_download",
                    "sales": "report_read", "receivables": "report_read",
                    "itbis": "report_read"}

    def _period(self) -> Period:
        return parse_period(self.request.query_params.get("period"))

    def _answer(self, name: str, report: dict, serializer, filename: str):
        if self.request.accepted_renderer.format == "csv":
            rows, columns = report_csv(name, report)
            return csv_response(rows, columns, filename)
        return Response(serializer(report).data)

    @extend_schema(summary="DGII report 607 (sales) for a month", parameters=[PERIOD, NO_FORMAT],
                   responses=TXT)
    @action(detail=False, methods=["get"], url_path="dgii-607", url_name="dgii-607",
            renderer_classes=[TextRenderer, renderers.JSONRenderer])
    def dgii_607(self, request):
        period = self._period()
        return text_file(file_607(self.workspace, period),
                         file_name("607", self.workspace, period))

    @extend_schema(summary="What the 607 leaves out (consumo under RD$250,000) and its totals",
                   parameters=[PERIOD], responses=serializers.Summary607Serializer)
    @action(detail=False, methods=["get"], url_path="dgii-607/summary",
            url_name="dgii-607-summary")
    def dgii_607_summary(self, request):
        return Response(serializers.Summary607Serializer(
            summary_607(self.workspace, self._period())).data)

    @extend_schema(summary="DGII report 608 (voided NCFs) for a month",
                   parameters=[PERIOD, NO_FORMAT],
                   responses=TXT)
    @action(detail=False, methods=["get"], url_path="dgii-608", url_name="dgii-608",
            renderer_classes=[TextRenderer, renderers.JSONRenderer])
    def dgii_608(self, request):
        period = self._period()
        return text_file(file_608(self.workspace, period),
                         file_name("608", self.workspace, period))

    @extend_schema(summary="Sales by day, month, customer, product or salesman", parameters=[
        OpenApiParameter("date_from", OpenApiTypes.DATE, description="Default: the 1st of "
                         "this month."),
        OpenApiParameter("date_to", OpenApiTypes.DATE, description="Default: today."),
        OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(GROUPS),
                         description="Default `day`."), CSV_FORMAT],
        responses=_with_csv(serializers.SalesReportSerializer))
    @action(detail=False, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, CsvRenderer])
    def sales(self, request):
        params, today = request.query_params, timezone.localdate()
        date_from = parse_date(params.get("date_from"), field="date_from",
                               default=today.replace(day=1))
        date_to = parse_date(params.get("date_to"), field="date_to", default=today)
        if date_to < date_from:
            raise InvalidInput(_("date_to is before date_from."), field="date_to")
        group_by = params.get("group_by") or "day"
        if group_by not in GROUPS:
            raise InvalidInput(_("Group by one of: %(groups)s.")
                               % {"groups": ", ".join(GROUPS)}, field="group_by")
        report = sales_report(self.workspace, date_from=date_from, date_to=date_to,
                              group_by=group_by)
        return self._answer("sales", report, serializers.SalesReportSerializer,
                            f"ventas_{date_from:%Y%m%d}_{date_to:%Y%m%d}_{group_by}.csv")

    @extend_schema(summary="Receivables aging per customer", parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="Default: today."),
        OpenApiParameter("contact_id", OpenApiTypes.INT, description="Drill down: that "
                         "customer's open documents."), CSV_FORMAT],
        responses=_with_csv(serializers.ReceivablesReportSerializer))
    @action(detail=False, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, CsvRenderer])
    def receivables(self, request):
        params = request.query_params
        as_of = parse_date(params.get("as_of"), field="as_of", default=timezone.localdate())
        contact_id = params.get("contact_id")
        if contact_id is not None:
            if not contact_id.isdigit():
                raise InvalidInput(_("Expected an id (integer)."), field="contact_id")
            contact_id = int(contact_id)
        report = receivables_report(self.workspace, as_of=as_of, contact_id=contact_id)
        return self._answer("receivables", report, serializers.ReceivablesReportSerializer,
                            f"cuentas_por_cobrar_{as_of:%Y%m%d}.csv")

    @extend_schema(summary="ITBIS of a month, laid out like the IT-1",
                   parameters=[PERIOD, CSV_FORMAT],
                   responses=_with_csv(serializers.ItbisReportSerializer))
    @action(detail=False, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, CsvRenderer])
    def itbis(self, request):
        period = self._period()
        report = itbis_report(self.workspace, period)
        return self._answer("itbis", report, serializers.ItbisReportSerializer,
                            f"itbis_{period.code}.csv")


routes = [("reports", ReportsViewSet, "reports")]
