"""`/api/v1/quotations` (API.md). Thin: parse, call one service, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.invoices.api import PdfRenderer
from invoicing.invoices.selectors import written_invoice_data
from invoicing.invoices.serializers import InvoiceSerializer
from workspaces.roles import SELL

from . import conversion, selectors, services
from .filters import QuotationFilter
from .models import Quotation
from .serializers import (
    ConvertInputSerializer,
    QuotationInputSerializer,
    QuotationSerializer,
    RejectInputSerializer,
)

LIFECYCLE = (
    "Statuses: `draft` → `sent` (action `send`, which emails it to the customer: 202) → "
    "`accepted` (`accept`) or `rejected` "
    "(`reject`). Open quotations (`draft`, `sent`) become `expired` once past `valid_until` "
    "(an hourly task; until it runs they already refuse changes as expired). `draft`, `sent` "
    "and `accepted` quotations may be converted (`convert`) into an issued invoice, once; "
    "the quotation becomes `invoiced`. Draft and sent quotations can be edited; the others "
    "answer 409. A transition not listed here answers 409."
)


@extend_schema_view(
    list=extend_schema(summary="List quotations", description=LIFECYCLE),
    retrieve=extend_schema(summary="Get a quotation with its items and contact"),
    create=extend_schema(summary="Create a quotation (a draft, numbered at once: COT-0001)",
                         request=QuotationInputSerializer,
                         responses={201: QuotationSerializer}),
    update=extend_schema(summary="Update a draft or sent quotation",
                         description="`items`, when sent, replaces the lines. The number and "
                                     "its series never change (409 on `document_subtype_id`). "
                                     "Accepted, rejected, expired and invoiced: 409.",
                         request=QuotationInputSerializer, responses=QuotationSerializer),
    partial_update=extend_schema(summary="Update some fields of a draft or sent quotation",
                                 request=QuotationInputSerializer,
                                 responses=QuotationSerializer),
    destroy=extend_schema(summary="Delete a draft quotation (others: 409, reject instead)"),
)
class QuotationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Quotation.objects.all()
    serializer_class = QuotationSerializer
    filterset_class = QuotationFilter
    sort_fields = ("issue_date", "document_number", "total_amount", "valid_until",
                   "created_at")
    default_sort = "-issue_date"
    write_role = SELL

    def workspace_queryset(self, workspace):
        return selectors.quotation_queryset(workspace)

    def _render(self, quotation: Quotation, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.workspace_queryset(self.workspace).get(pk=quotation.pk)
        return Response(QuotationSerializer(fresh).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = QuotationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quotation = services.quotation_create(workspace=self.workspace, actor=request.user,
                                              **serializer.service_kwargs())
        return self._render(quotation, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        quotation = self.get_object()
        serializer = QuotationInputSerializer(data=request.data,
                                              partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        quotation = services.quotation_update(quotation=quotation, actor=request.user,
                                              **serializer.service_kwargs())
        return self._render(quotation)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.quotation_delete(quotation=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Record that the customer accepted a sent quotation", request=None,
                   responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        quotation = services.quotation_accept(quotation=self.get_object(), actor=request.user)
        return self._render(quotation)

    @extend_schema(summary="Record that the customer rejected a sent quotation",
                   request=RejectInputSerializer, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        quotation = self.get_object()
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quotation = services.quotation_reject(quotation=quotation, actor=request.user,
                                              **serializer.validated_data)
        return self._render(quotation)

    @extend_schema(
        summary="Convert into an issued invoice with the same lines (once)",
        description="Creates and issues an invoice from the chosen invoice series with the "
                    "quotation's lines, contact, currency, salesmen, terms and notes; answers "
                    "201 with the invoice (its `quotation_id` points back). Allowed from "
                    "`draft`, `sent` and `accepted`; a second conversion, or a rejected or "
                    "expired quotation, is 409. Errors of the invoice (a B01 without the "
                    "buyer's RNC, an inactive product on `items.N.product_id`) are 400.",
        request=ConvertInputSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        quotation = self.get_object()
        serializer = ConvertInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = conversion.quotation_convert(quotation=quotation, actor=request.user,
                                             **serializer.validated_data)
        # Rendered from what the conversion wrote: no read while the series is locked.
        return Response(written_invoice_data(invoice), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Download the quotation as PDF",
                   responses={(200, "application/pdf"): OpenApiResponse(
                       response=OpenApiTypes.BINARY, description="The PDF document")})
    @action(detail=True, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        from .pdf import quotation_pdf_response

        return quotation_pdf_response(self.get_object(),
                                      inline=request.query_params.get("inline") == "1")


routes = [
    ("quotations", QuotationViewSet, "quotation"),
]
