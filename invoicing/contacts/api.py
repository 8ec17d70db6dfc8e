"""Contacts: `/api/v1/contacts`, and DGII's registry of taxpayers: `/api/v1/rnc/{tax_id}`
(API.md)."""

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput

from . import services
from .models import Contact, ContactKind, RncRegistryEntry
from .registry import registry_tax_id
from .selectors import contact_filter_kind, contact_search
from .serializers import ContactSerializer, RncRegistryEntrySerializer


class ContactFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ContactKind.choices, method="filter_kind",
        help_text="`customer` and `supplier` include contacts of kind `both`.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Name contains, or tax id contains (dashes ignored: `1-31-24` works).",
    )
    tax_id = django_filters.CharFilter(
        method="filter_tax_id", help_text="Exact tax id, with or without dashes.",
    )
    is_active = BooleanFilter()

    class Meta:
        model = Contact
        fields = ["kind", "q", "tax_id", "is_active"]

    def filter_kind(self, queryset, name, value):
        return contact_filter_kind(queryset, value)

    def filter_q(self, queryset, name, value):
        return contact_search(queryset, value)

    def filter_tax_id(self, queryset, name, value):
        compact = "".join(ch for ch in value.upper() if ch.isalnum())
        return queryset.filter(tax_id=compact)


@extend_schema_view(
    destroy=extend_schema(description="204 when no document uses the contact; 409 "
                          "`contact_in_use` otherwise (deactivate it with PATCH "
                          "`{\"is_active\": false}`)."),
    create=extend_schema(description="An RNC must pass the RNC check digit and a cédula the "
                         "cédula check (400 on `tax_id` otherwise); `tax_id` is stored "
                         "without dashes. Without `tax_id_type`, 9 digits are taken as an "
                         "RNC and 11 as a cédula."),
)
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    sort_fields = ("name", "tax_id", "kind", "created_at", "updated_at")
    default_sort = "name"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_create(workspace=self.workspace, actor=request.user,
                                          **serializer.validated_data)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data,
                                         partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        contact = services.contact_update(contact=contact, actor=request.user,
                                          **serializer.validated_data)
        return Response(self.get_serializer(contact).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.contact_delete(contact=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(retrieve=extend_schema(
    summary="Look up a taxpayer in DGII's registry",
    description="DGII's registry of taxpayers (`DGII_RNC.TXT`), the same for every "
    "workspace; any role may read it. 400 when `tax_id` is not a valid RNC (9 digits) or "
    "cédula (11 digits, dashes allowed); 404 when DGII does not list it.",
    parameters=[OpenApiParameter(
        "tax_id", OpenApiTypes.STR, OpenApiParameter.PATH,
        description="RNC or cédula, with or without dashes (`1-31-24679-6`, `131246796`).",
        pattern=r"^[0-9-]+$", examples=[OpenApiExample("RNC", value="131246796")])],
))
class RncRegistryViewSet(mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = RncRegistryEntry.objects.all()
    serializer_class = RncRegistryEntrySerializer
    lookup_field = lookup_url_kwarg = "tax_id"
    lookup_value_regex = r"[^/]+"  # anything, so a malformed id is a 400 rather than a 404
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return RncRegistryEntry.objects.all()  # shared: not scoped to the workspace

    def retrieve(self, request, *args, **kwargs):
        digits = registry_tax_id(kwargs["tax_id"])
        if digits is None:
            raise InvalidInput(_("%(value)s is not a valid RNC (9 digits) or cédula (11 "
                                 "digits).") % {"value": kwargs["tax_id"][:40]},
                               field="tax_id")
        entry = RncRegistryEntry.objects.filter(pk=digits).first()
        if entry is None:
            raise Http404
        return Response(self.get_serializer(entry).data)


routes = [("contacts", ContactViewSet, "contact"), ("rnc", RncRegistryViewSet, "rnc")]
