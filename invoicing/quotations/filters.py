import django_filters

from invoicing.core.api.filtering import IdFilter

from .models import Quotation, QuotationStatus
from .selectors import quotation_search


class QuotationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=QuotationStatus.choices)
    contact_id = IdFilter(field_name="contact_id")
    document_subtype_id = IdFilter(field_name="document_subtype_id")
    issue_date = django_filters.DateFilter(field_name="issue_date")
    issue_date_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issue_date_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    valid_until_from = django_filters.DateFilter(field_name="valid_until", lookup_expr="gte")
    valid_until_to = django_filters.DateFilter(field_name="valid_until", lookup_expr="lte")
    q = django_filters.CharFilter(method="filter_q",
                                  help_text="Matches the document number or contact name.")

    class Meta:
        model = Quotation
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return quotation_search(queryset, value)
