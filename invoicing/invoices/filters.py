import django_filters

from invoicing.core.api.filtering import BooleanFilter, IdFilter
from invoicing.documents import blocks

from .models import Invoice, InvoiceStatus, Payment, PaymentMethod
from .selectors import invoice_search

ECF_STATUSES = ("signed", "sent", "accepted", "accepted_conditional", "rejected", "voided")


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    contact_id = IdFilter(field_name="contact_id")
    document_subtype_id = IdFilter(field_name="document_subtype_id")
    issue_date = django_filters.DateFilter(field_name="issue_date")
    issue_date_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issue_date_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    due_date_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_date_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    overdue = BooleanFilter(method="filter_overdue",
                            help_text="Issued, unpaid and past its due date (derived).")
    q = django_filters.CharFilter(method="filter_q",
                                  help_text="Matches the document number or contact name.")
    ecf_status = django_filters.ChoiceFilter(
        choices=[(s, s) for s in ECF_STATUSES], method="filter_ecf_status",
        help_text="E-series invoices whose e-CF is in this state with DGII.")

    class Meta:
        model = Invoice
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.overdue() if value else queryset.not_overdue()

    def filter_q(self, queryset, name, value):
        return invoice_search(queryset, value)

    def filter_ecf_status(self, queryset, name, value):
        return blocks.filtered("invoice", "ecf", queryset, value) if value else queryset


class PaymentFilter(django_filters.FilterSet):
    invoice_id = IdFilter(field_name="invoice_id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)

    class Meta:
        model = Payment
        fields: list[str] = []
