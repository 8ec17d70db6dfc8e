"""`/api/v1/taxes` and `/api/v1/document-subtypes` (API.md), and the validate-ncf action the
invoices viewset mounts (`ValidateNcfActionMixin`). Thin: parse, call one service, render."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from workspaces.roles import FISCAL

from . import services
from .models import DocumentSubtype, DocumentType, Tax, TaxKind
from .ncf_types import NCF_TYPES
from .serializers import (
    DocumentSubtypeSerializer,
    NcfValidationSerializer,
    RangeInputSerializer,
    TaxSerializer,
    ValidateNcfSerializer,
)
from .validation import validate_ncf


class _WriteMixin:
    """create/update/partial_update/destroy through the app's services."""

    create_service = update_service = delete_service = None
    instance_arg = ""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create_service(workspace=self.workspace, actor=request.user,
                                        **serializer.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        obj = self.get_object()
        partial = kwargs.get("partial", False) or request.method == "PATCH"
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.update_service(**{self.instance_arg: obj}, actor=request.user,
                                        **serializer.validated_data)
        return Response(self.get_serializer(obj).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.delete_service(**{self.instance_arg: self.get_object()}, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Taxes ----------------------------------------------------------------------------------
class TaxFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TaxKind.choices)
    is_active = BooleanFilter()
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Tax
        fields = ["kind", "is_active", "q"]


class TaxViewSet(_WriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                 WorkspaceViewSet):
    """Taxes (ITBIS, exempt, ISC, propina legal, other). Writes need the accountant role.
    A tax used by a product or a document is kept (DELETE answers 409): deactivate it.
    Documents keep a copy of each tax they were priced with, so changing a rate never
    changes an existing document."""

    queryset = Tax.objects.all()
    serializer_class = TaxSerializer
    filterset_class = TaxFilter
    sort_fields = ("name", "kind", "rate", "created_at")
    default_sort = "name"
    write_role = FISCAL
    create_service = staticmethod(services.tax_create)
    update_service = staticmethod(services.tax_update)
    delete_service = staticmethod(services.tax_delete)
    instance_arg = "tax"


# --- Document subtypes ----------------------------------------------------------------------
class DocumentSubtypeFilter(django_filters.FilterSet):
    document_type = django_filters.ChoiceFilter(choices=DocumentType.choices)
    ncf_type = django_filters.ChoiceFilter(choices=sorted((c, c) for c in NCF_TYPES))
    is_fiscal = BooleanFilter(field_name="ncf_type", lookup_expr="isnull", exclude=True)
    is_active = BooleanFilter()

    class Meta:
        model = DocumentSubtype
        fields = ["document_type", "ncf_type", "is_fiscal", "is_active"]


class DocumentSubtypeViewSet(_WriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             WorkspaceViewSet):
    """Numbering series: DGII fiscal types (B01…, E31…) with their authorised range and
    expiry, and plain prefixed series (`INV-0001`). Writes need the accountant role.
    `warnings` tells what to act on before a series stops issuing (range missing, used up
    or low, expired or expiring within 30 days)."""

    queryset = DocumentSubtype.objects.prefetch_related("ranges")
    serializer_class = DocumentSubtypeSerializer
    filterset_class = DocumentSubtypeFilter
    sort_fields = ("name", "document_type", "ncf_type", "valid_until", "next_number",
                   "created_at")
    default_sort = "document_type,ncf_type"
    write_role = FISCAL
    create_service = staticmethod(services.subtype_create)
    update_service = staticmethod(services.subtype_update)
    delete_service = staticmethod(services.subtype_delete)
    instance_arg = "subtype"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=RangeInputSerializer, responses={201: DocumentSubtypeSerializer},
                   summary="Add an authorised NCF range to a fiscal series",
                   description="The range DGII authorised is added to the series' history, "
                               "never typed over the current one: it starts after every "
                               "number already issued or authorised (400 on `range_start` "
                               "otherwise) and takes over when the current range is used up "
                               "or expires (at once if it already is). 201 with the series.")
    @action(detail=True, methods=["post"], url_path="ranges", url_name="ranges")
    def ranges(self, request, *args, **kwargs):
        subtype = self.get_object()
        serializer = RangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.subtype_add_range(subtype=subtype, actor=request.user,
                                   **serializer.validated_data)
        subtype = self.get_queryset().get(pk=subtype.pk)
        return Response(self.get_serializer(subtype).data, status=status.HTTP_201_CREATED)


# --- validate-ncf, mounted by the invoices viewset ------------------------------------------
VALIDATE_NCF_SCHEMA = {
    "request": ValidateNcfSerializer,
    "responses": {200: NcfValidationSerializer},
    "summary": "Validate an NCF against a document type",
    "description": "Answers 200 with `valid`, the normalised `ncf` and every problem found, "
                   "by code: `invalid_format`, `type_mismatch`, `out_of_range`, `expired`, "
                   "`duplicate`. A `document_subtype_id` of another workspace is 400.",
}


def validate_ncf_response(request, *, workspace) -> Response:
    """The whole of `POST /invoices/validate-ncf`: parse the body, validate, render (200).
    The invoices viewset's action returns this; decorate the action with
    `@extend_schema(**VALIDATE_NCF_SCHEMA)` for the OpenAPI schema."""
    serializer = ValidateNcfSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    result = validate_ncf(workspace=workspace, ncf=serializer.validated_data["ncf"],
                          subtype=serializer.validated_data["document_subtype_id"])
    return Response(NcfValidationSerializer(result).data)


class ValidateNcfActionMixin:
    """Alternative to writing the action by hand: adds `POST <prefix>/validate-ncf` to the
    viewset it is mixed into. It only reads, so let any member ask:
    `action_roles = {…, "validate_ncf": READ}` (otherwise POST needs `write_role`)."""

    @extend_schema(**VALIDATE_NCF_SCHEMA)
    @action(detail=False, methods=["post"], url_path="validate-ncf", url_name="validate-ncf")
    def validate_ncf(self, request, *args, **kwargs):
        return validate_ncf_response(request, workspace=request.workspace)


routes = [
    ("taxes", TaxViewSet, "tax"),
    ("document-subtypes", DocumentSubtypeViewSet, "document-subtype"),
]
