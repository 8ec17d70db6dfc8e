from collections.abc import Callable

import django_filters

from invoicing.core.api.filtering import IdFilter

from .models import Note

ECF_STATUSES = ("signed", "sent", "accepted", "accepted_conditional", "rejected", "voided")
# The e-CF app filters notes by their e-CF status: (queryset, status) → queryset. Without it
# no note has an e-CF status.
ECF_STATUS_FILTERS: list[Callable] = []


def by_ecf_status(queryset, value: str):
    for apply in ECF_STATUS_FILTERS:
        return apply(queryset, value)
    return queryset.none()


class NoteFilter(django_filters.FilterSet):
    invoice_id = IdFilter(field_name="invoice_id")
    contact_id = IdFilter(field_name="contact_id")
    document_subtype_id = IdFilter(field_name="document_subtype_id")
    issue_date_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issue_date_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    ecf_status = django_filters.ChoiceFilter(choices=[(s, s) for s in ECF_STATUSES],
                                             method="filter_ecf_status")

    class Meta:
        model = Note
        fields: list[str] = []

    def filter_ecf_status(self, queryset, name, value):
        return by_ecf_status(queryset, value) if value else queryset
