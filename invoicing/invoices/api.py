"""`/api/v1/invoices` and `/api/v1/payments` (API.md). Thin: parse, call one service, render."""

from __future__ import annotations

import json

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.schema import PDF_PARAMETERS, PDF_RESPONSES
from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput
from invoicing.fiscal import api as fiscal_api

from . import payments, selectors, services
from .credit_api import ContactRefundViewSet
from .filters import InvoiceFilter, PaymentFilter
from .models import Invoice, Payment
from .salesmen_api import SalesmanViewSet
from .serializers import (
    CancelInputSerializer,
    InvoiceInputSerializer,
    InvoiceSerializer,
    PaymentInputSerializer,
    PaymentSerializer,
)


class PdfRenderer(renderers.BaseRenderer):
    """Lets clients ask for `Accept: application/pdf`; errors still go out as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


@extend_schema_view(
    list=extend_schema(summary="List invoices"),
    retrieve=extend_schema(summary="Get an invoice with its items, payments and contact"),
    create=extend_schema(summary="Create an invoice (issued at once unless status=draft)",
                         request=InvoiceInputSerializer, responses={201: InvoiceSerializer}),
    update=extend_schema(summary="Update an invoice", request=InvoiceInputSerializer,
                         responses=InvoiceSerializer),
    partial_update=extend_schema(summary="Update some fields of an invoice",
                                 request=InvoiceInputSerializer, responses=InvoiceSerializer),
    destroy=extend_schema(summary="Delete a draft (issued invoices are cancelled instead)"),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    sort_fields = ("issue_date", "document_number", "total_amount", "due_date", "created_at")
    default_sort = "-issue_date"
    # Each action's entry in the role table (workspaces/roles.py).
    action_names = {"create": "invoice_create", "update": "invoice_update",
                    "partial_update": "invoice_update", "destroy": "invoice_delete",
                    "issue": "invoice_issue", "cancel": "invoice_cancel",
                    "validate_ncf": "read"}

    def workspace_queryset(self, workspace):
        if self.action in ("list", "retrieve"):
            # Rendered by selectors.invoices_data: filters, sorting and the count
            # run on the bare table.
            return selectors.invoice_base_queryset(workspace)
        if self.action == "pdf":  # the printed page also shows the issuer and the NCF type
            return selectors.invoice_queryset(workspace).select_related(
                "workspace", "document_subtype")
        return selectors.invoice_queryset(workspace)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        return self.get_paginated_response(
            self.paginate_queryset(selectors.InvoicePage(self.workspace, queryset,
                                                         params=request.query_params)))

    def retrieve(self, request, *args, **kwargs):
        # The route only matches digits (lookup_value_regex); the filter backends leave
        # detail requests alone, so this is get_object() without building a queryset.
        data = selectors.invoice_data_by_id(
            self.workspace, int(self.kwargs[self.lookup_url_kwarg or self.lookup_field]))
        if data is None:
            raise Http404
        return Response(data)

    def _render(self, invoice: Invoice, status_code=status.HTTP_200_OK) -> Response:
        return Response(selectors.invoice_data_by_id(self.workspace, invoice.pk),
                        status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = InvoiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.invoice_create(workspace=self.workspace, actor=request.user,
                                          **serializer.service_kwargs())
        # The service hands back the invoice with everything it wrote: no read needed.
        return Response(selectors.written_invoice_data(invoice),
                        status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        invoice = self.get_object()
        partial = request.method == "PATCH"
        serializer = InvoiceInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = serializer.service_kwargs()
        changes.pop("draft", None)
        invoice = services.invoice_update(invoice=invoice, actor=request.user, **changes)
        return self._render(invoice)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.invoice_delete(invoice=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Issue a draft: it takes the next number of its sequence",
                   request=None, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        invoice = services.invoice_issue(invoice=self.get_object(), actor=request.user)
        return self._render(invoice)

    @extend_schema(summary="Cancel (void) an issued, unpaid invoice with a DGII 608 reason",
                   request=CancelInputSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        invoice = self.get_object()
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.invoice_cancel(invoice=invoice, actor=request.user,
                                          **serializer.validated_data)
        return self._render(invoice)

    @extend_schema(summary="Download the invoice as PDF", parameters=PDF_PARAMETERS,
                   responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"],
            renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        from .pdf import invoice_pdf_response

        return invoice_pdf_response(invoice, inline=request.query_params.get("inline") == "1")

    @extend_schema(**fiscal_api.VALIDATE_NCF_SCHEMA)
    @action(detail=False, methods=["post"], url_path="validate-ncf")
    def validate_ncf(self, request):
        return fiscal_api.validate_ncf_response(request, workspace=self.workspace)


@extend_schema_view(
    create=extend_schema(summary="Record a payment", request=PaymentInputSerializer,
                         responses={201: PaymentSerializer}),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    sort_fields = ("date", "amount", "created_at")
    default_sort = "-date"
    action_names = {"create": "payment_record", "destroy": "payment_delete"}

    def workspace_queryset(self, workspace):
        return selectors.payment_queryset(workspace)

    def create(self, request, *args, **kwargs):
        serializer = PaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["withholdings"] = [dict(w) for w in data.get("withholdings", ())]
        invoice = Invoice.objects.filter(workspace=self.workspace,
                                         pk=data.pop("invoice_id")).first()
        if invoice is None:
            raise InvalidInput("Not found: no invoice with this id in this workspace.",
                               field="invoice_id")
        payment = payments.payment_record(invoice=invoice, actor=request.user, **data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        payment: Payment = self.get_object()
        payments.payment_delete(payment=payment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


routes = [
    ("invoices", InvoiceViewSet, "invoice"),
    ("payments", PaymentViewSet, "payment"),
    ("salesmen", SalesmanViewSet, "salesman"),
    ("contacts", ContactRefundViewSet, "contact-refund"),
]
