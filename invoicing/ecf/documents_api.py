"""The e-CF routes of a document (API.md "Electronic documents (e-CF)"):
`GET /invoices/{id}/xml` (the signed bytes as stored; `?kind=rfce` an E32's summary) and
`POST /invoices/{id}/ecf/retry`, and the same for `/credit-notes` and `/debit-notes`.
Another workspace's document, or one that is not an e-CF, answers 404 like a missing id."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput, NotFound
from invoicing.documents.serializers import EcfBlockSerializer

from . import services
from .blocks import raw, render
from .models import EcfRecord


class XmlRenderer(renderers.BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def document_viewset(kind: str, noun: str):
    class EcfDocumentViewSet(WorkspaceViewSet):
        queryset = EcfRecord.objects.all()
        serializer_class = EcfBlockSerializer
        lookup_field = "document_id"
        lookup_url_kwarg = "pk"
        pagination_class = None
        filter_backends = []
        action_names = {"xml": "read", "ecf_retry": "ecf_retry", "reissue": "invoice_reissue"}

        def workspace_queryset(self, workspace):
            return EcfRecord.objects.filter(workspace_id=workspace.pk, document_kind=kind)

        def get_object(self):
            found = self.get_queryset().filter(document_id=self.kwargs["pk"]).first()
            if found is None:
                raise NotFound(_("No electronic %(noun)s %(id)s.")
                               % {"noun": noun, "id": self.kwargs["pk"]})
            return found

        @extend_schema(
            summary=f"The signed e-CF XML of the {noun}, byte for byte as stored",
            parameters=[OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.QUERY,
                                         enum=["ecf", "rfce"],
                                         description="`rfce`: the signed summary (RFCE) of "
                                         "an E32 under RD$250,000."),
                        OpenApiParameter("format", exclude=True)],
            responses={(200, "application/xml"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The signed XML.")})
        @action(detail=True, methods=["get"],
                renderer_classes=[renderers.JSONRenderer, XmlRenderer])
        def xml(self, request, pk=None):
            record = self.get_object()
            kind_wanted = request.query_params.get("kind", "ecf")
            if kind_wanted not in ("ecf", "rfce"):
                raise InvalidInput(_("kind is ecf or rfce."), field="kind")
            body = record.xml if kind_wanted == "ecf" else record.summary_xml
            if body is None:
                raise NotFound(_("%(encf)s has no RFCE summary.") % {"encf": record.encf})
            name = record.file_name if kind_wanted == "ecf" \
                else record.file_name.replace(".xml", "-RFCE.xml")
            response = HttpResponse(bytes(body), content_type="application/xml")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response

        @extend_schema(summary="Send the e-CF to DGII again, or ask for its verdict now",
                       request=None, responses={202: EcfBlockSerializer})
        @action(detail=True, methods=["post"], url_path="ecf/retry", url_name="ecf-retry")
        def ecf_retry(self, request, pk=None):
            record = services.ecf_retry(record=self.get_object(), actor=request.user)
            return Response(render(raw(record)), status=status.HTTP_202_ACCEPTED)

    if kind == "invoice":
        from invoicing.invoices.serializers import InvoiceSerializer

        @extend_schema(summary="Issue a rejected e-CF again: a new invoice with a new number",
                       description="Only for an e-CF DGII rejected (409 `ecf_not_rejected` "
                       "otherwise): the same buyer and lines, a new number, the payments "
                       "moved; the rejected one is cancelled. Accountant and up.",
                       request=None, responses={201: InvoiceSerializer})
        @action(detail=True, methods=["post"])
        def reissue(self, request, pk=None):
            from invoicing.invoices import read
            from invoicing.invoices.models import Invoice

            from .reissue import invoice_reissue

            record = self.get_object()
            invoice = Invoice.objects.get(pk=record.document_id)
            new = invoice_reissue(invoice=invoice, actor=request.user)
            rows = read.rows_by_ids(self.workspace.pk, [new.pk])
            return Response(read.render(rows)[0], status=status.HTTP_201_CREATED)

        EcfDocumentViewSet.reissue = reissue

    EcfDocumentViewSet.__name__ = f"Ecf{kind.title().replace('_', '')}ViewSet"
    return EcfDocumentViewSet


routes = [("invoices", document_viewset("invoice", "invoice"), "invoice-ecf"),
          ("credit-notes", document_viewset("credit_note", "credit note"), "credit-note-ecf"),
          ("debit-notes", document_viewset("debit_note", "debit note"), "debit-note-ecf")]
