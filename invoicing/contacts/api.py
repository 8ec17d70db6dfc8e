"""Contacts: `/api/v1/contacts` (API.md)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet

from . import services
from .models import Contact, ContactKind
from .selectors import contact_filter_kind, contact_search
from .serializers import ContactSerializer


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


routes = [("contacts", ContactViewSet, "contact")]
