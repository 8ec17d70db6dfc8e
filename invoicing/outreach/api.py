"""Outreach's API (API.md "Sending documents to customers", "Recurring invoices"):
`POST /invoices/{id}/send` (and `/quotations/{id}/send`, `/credit-notes/{id}/send`,
`/debit-notes/{id}/send`), `GET …/{id}/share`, `POST …/{id}/share/revoke`,
`GET …/{id}/emails`, `/recurring-invoices` and the singleton `/outreach/settings`. Thin:
parse, call a service."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter, IdFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.invoices.models import Invoice
from invoicing.notes.models import Note, NoteKind
from invoicing.quotations.models import Quotation

from . import recurring, services
from .models import EmailDelivery, RecurringInvoice
from .selectors import recurring_queryset
from .serializers import (
    DeliverySerializer,
    OutreachSettingsSerializer,
    RecurringInputSerializer,
    RecurringSerializer,
    SendInputSerializer,
    ShareSerializer,
    delivery_data,
    recurring_data,
    settings_data,
)

SEND_DESCRIPTION = (
    "Seller and up. `to` defaults to the contact's email; 400 on `to` without any address. "
    "Answers 202: the email (with the PDF, and the signed XML of an e-CF) goes out in the "
    "background; `GET …/emails` shows its outcome (an SMTP failure is retried, then shown as "
    "`failed` with its error).")


class _DocumentOutreachViewSet(WorkspaceViewSet):
    pagination_class = None
    filter_backends: list = []
    serializer_class = DeliverySerializer
    action_names = {"send": "document_send",
                    "share": "share_link_manage", "share_revoke": "share_link_manage",
                    "emails": "read"}

    def workspace_queryset(self, workspace):
        return self.queryset.filter(workspace_id=workspace.pk).select_related(
            "workspace", "contact", "document_subtype", "currency")

    def _send(self, request):
        document = self.get_object()
        serializer = SendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        delivery = services.document_send(document=document, actor=request.user,
                                          base_url=request.build_absolute_uri("/"),
                                          **serializer.validated_data)
        return Response(delivery_data(delivery), status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The document's customer link (made on first request)",
                   responses=ShareSerializer)
    @action(detail=True, methods=["get"])
    def share(self, request, pk=None):
        link = services.share_link_get(document=self.get_object(), actor=request.user)
        return Response({"url": request.build_absolute_uri(services.link_url(link)),
                         "expires_at": link.expires_at.isoformat() if link.expires_at
                         else None,
                         "first_viewed_at": link.first_viewed_at.isoformat()
                         if link.first_viewed_at else None})

    @extend_schema(summary="Revoke the customer link (its URL answers 404 from now on)",
                   request=None, responses={204: OpenApiResponse(description="Revoked")})
    @action(detail=True, methods=["post"], url_path="share/revoke", url_name="share-revoke")
    def share_revoke(self, request, pk=None):
        services.share_link_revoke(document=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="The emails of this document and their outcome",
                   responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def emails(self, request, pk=None):
        document = self.get_object()
        deliveries = (EmailDelivery.objects.filter(
            workspace_id=document.workspace_id, kind=self.kind, document_id=document.pk)
            .select_related("outbox_message")[:100])
        return Response([delivery_data(d) for d in deliveries])


class InvoiceOutreachViewSet(_DocumentOutreachViewSet):
    queryset = Invoice.objects.all()
    kind = "invoice"

    @extend_schema(summary="Email the invoice to the customer", description=SEND_DESCRIPTION,
                   request=SendInputSerializer, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._send(request)


class QuotationOutreachViewSet(_DocumentOutreachViewSet):
    queryset = Quotation.objects.all()
    kind = "quotation"

    @extend_schema(summary="Email the quotation to the customer (a draft becomes sent)",
                   description=SEND_DESCRIPTION + " A draft quotation becomes `sent` in the "
                   "same request; a sent or accepted one may be sent again and keeps its "
                   "status; a rejected, expired or invoiced one is 409.",
                   request=SendInputSerializer, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._send(request)


class _NoteOutreachViewSet(_DocumentOutreachViewSet):
    queryset = Note.objects.all()
    note_type = NoteKind.CREDIT

    def workspace_queryset(self, workspace):
        return super().workspace_queryset(workspace).filter(document_type=self.note_type)


class CreditNoteOutreachViewSet(_NoteOutreachViewSet):
    kind = note_type = NoteKind.CREDIT

    @extend_schema(summary="Email the credit note to the customer",
                   description=SEND_DESCRIPTION, request=SendInputSerializer,
                   responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._send(request)


class DebitNoteOutreachViewSet(_NoteOutreachViewSet):
    kind = note_type = NoteKind.DEBIT

    @extend_schema(summary="Email the debit note to the customer",
                   description=SEND_DESCRIPTION, request=SendInputSerializer,
                   responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._send(request)


class RecurringFilter(django_filters.FilterSet):
    is_active = BooleanFilter()
    contact_id = IdFilter(field_name="contact_id")

    class Meta:
        model = RecurringInvoice
        fields: list[str] = []


class RecurringInvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              WorkspaceViewSet):
    queryset = RecurringInvoice.objects.all()
    serializer_class = RecurringSerializer
    filterset_class = RecurringFilter
    sort_fields = ("next_date", "created_at", "id")
    default_sort = "next_date"
    write_role = "recurring_invoice_manage"

    def workspace_queryset(self, workspace):
        return recurring_queryset(workspace)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([recurring_data(t) for t in page])

    def retrieve(self, request, *args, **kwargs):
        return Response(recurring_data(self.get_object()))

    def _render(self, template, code=status.HTTP_200_OK):
        return Response(recurring_data(recurring_queryset(self.workspace).get(pk=template.pk)),
                        status=code)

    @extend_schema(summary="Create a recurring invoice", request=RecurringInputSerializer,
                   responses={201: RecurringSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RecurringInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_kwargs()
        active = data.pop("is_active", True)
        template = recurring.recurring_create(workspace=self.workspace, actor=request.user,
                                              **data)
        if not active:
            template = recurring.recurring_set_active(template=template, actor=request.user,
                                                      active=False)
        return self._render(template, status.HTTP_201_CREATED)

    @extend_schema(summary="Change a recurring invoice", request=RecurringInputSerializer,
                   responses=RecurringSerializer)
    def update(self, request, *args, **kwargs):
        template = self.get_object()
        serializer = RecurringInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.service_kwargs().items() if k in request.data}
        active = data.pop("is_active", None)
        template = recurring.recurring_update(template=template, actor=request.user, **data)
        if active is not None and active != template.is_active:
            template = recurring.recurring_set_active(template=template, actor=request.user,
                                                      active=active)
        return self._render(template)

    @extend_schema(summary="Change some fields of a recurring invoice",
                   request=RecurringInputSerializer, responses=RecurringSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(summary="Delete a recurring invoice (the invoices it made stay)",
                   responses={204: OpenApiResponse(description="Deleted")})
    def destroy(self, request, *args, **kwargs):
        recurring.recurring_delete(template=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OutreachSettingsViewSet(WorkspaceViewSet):
    queryset = RecurringInvoice.objects.none()
    pagination_class = None
    filter_backends: list = []
    serializer_class = OutreachSettingsSerializer
    action_names = {"outreach_settings": "read"}

    def get_permissions(self):
        if self.request.method == "PATCH":
            self.action_names = {"outreach_settings": "workspace_update"}
        return super().get_permissions()

    @extend_schema(methods=["GET"], summary="The workspace's email, link and reminder choices",
                   responses=OutreachSettingsSerializer)
    @extend_schema(methods=["PATCH"], summary="Change them (admin and up)",
                   request=OutreachSettingsSerializer, responses=OutreachSettingsSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="settings", url_name="settings")
    def outreach_settings(self, request):
        if request.method == "PATCH":
            serializer = OutreachSettingsSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            chosen = services.outreach_settings_update(
                workspace=self.workspace, actor=request.user, **serializer.validated_data)
        else:
            chosen = services.settings_for(self.workspace.pk)
        return Response(settings_data(chosen))


routes = [
    ("invoices", InvoiceOutreachViewSet, "invoice-outreach"),
    ("quotations", QuotationOutreachViewSet, "quotation-outreach"),
    ("credit-notes", CreditNoteOutreachViewSet, "credit-note-outreach"),
    ("debit-notes", DebitNoteOutreachViewSet, "debit-note-outreach"),
    ("recurring-invoices", RecurringInvoiceViewSet, "recurring-invoice"),
    ("outreach", OutreachSettingsViewSet, "outreach-settings"),
]
