"""`/api/v1/credit-notes` and `/api/v1/debit-notes` (API.md). Thin: parse, call one service,
render."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.schema import PDF_PARAMETERS, PDF_RESPONSES
from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.documents import blocks
from invoicing.invoices.api import PdfRenderer

from . import services
from .filters import NoteFilter
from .models import Note, NoteKind, NoteLine
from .serializers import NoteCancelInputSerializer, NoteInputSerializer, NoteSerializer


class _NoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    kind: str = NoteKind.CREDIT
    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    sort_fields = ("issue_date", "document_number", "total_amount")
    default_sort = "-issue_date"

    def workspace_queryset(self, workspace):
        # The blocks other apps add (the e-CF's `ecf`) ride in the page's one query.
        return (Note.objects.filter(workspace_id=workspace.pk, document_type=self.kind)
                .annotate(**blocks.annotations(self.kind, Note._meta.db_table))
                .select_related("contact", "currency", "document_subtype", "workspace")
                .prefetch_related(Prefetch("lines",
                                           queryset=NoteLine.objects.order_by("position", "id"))))

    def _issue(self, request):
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.credit_note_issue if self.kind == NoteKind.CREDIT \
            else services.debit_note_issue
        note = issue(workspace=self.workspace, actor=request.user,
                     **serializer.service_kwargs())
        return Response(NoteSerializer(self.get_queryset().get(pk=note.pk)).data,
                        status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        return self._issue(request)

    @extend_schema(summary="Void a B-series note with a DGII 608 reason (its effect on the "
                           "original is undone)",
                   request=NoteCancelInputSerializer, responses=NoteSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        note = self.get_object()
        serializer = NoteCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.note_cancel(note=note, actor=request.user, **serializer.validated_data)
        return Response(NoteSerializer(self.get_queryset().get(pk=note.pk)).data)

    @extend_schema(summary="Download the note as PDF", parameters=PDF_PARAMETERS,
                   responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        from .pdf import note_pdf_response

        return note_pdf_response(self.get_object(),
                                 inline=request.query_params.get("inline") == "1")


@extend_schema_view(
    list=extend_schema(summary="List credit notes"),
    retrieve=extend_schema(summary="Get a credit note"),
    create=extend_schema(summary="Issue a credit note (B04/E34) against an issued document",
                         request=NoteInputSerializer, responses={201: NoteSerializer}),
)
class CreditNoteViewSet(_NoteViewSet):
    kind = NoteKind.CREDIT
    action_names = {"create": "credit_note_issue", "cancel": "note_cancel"}


@extend_schema_view(
    list=extend_schema(summary="List debit notes"),
    retrieve=extend_schema(summary="Get a debit note"),
    create=extend_schema(summary="Issue a debit note (B03/E33) against an issued document",
                         request=NoteInputSerializer, responses={201: NoteSerializer}),
)
class DebitNoteViewSet(_NoteViewSet):
    kind = NoteKind.DEBIT
    action_names = {"create": "debit_note_issue", "cancel": "note_cancel"}


routes = [
    ("credit-notes", CreditNoteViewSet, "credit-note"),
    ("debit-notes", DebitNoteViewSet, "debit-note"),
]
