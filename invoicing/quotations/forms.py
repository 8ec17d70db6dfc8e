"""Quotation page forms: the invoice forms with the quotation's differences (its series,
`valid_until`), and the small forms of the detail page. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.documents.forms import DATE_INPUT, DocumentHeaderForm
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.fiscal.numbering import NumberingRefused, check_can_issue
from invoicing.invoices.forms import InvoiceFilterForm
from invoicing.invoices.models import Salesman


class QuotationHeaderForm(DocumentHeaderForm):
    document_type = DocumentType.QUOTATION

    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT, required=False)

    field_order = ["contact", "document_subtype", "issue_date", "valid_until", "currency",
                   "payment_term", "salesmen", "notes"]

    def salesmen_queryset(self, workspace):
        return Salesman.objects.for_workspace(workspace).active()

    def __init__(self, *args, workspace, numbered: bool = False, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        self.fields["document_subtype"].label = _("Series")
        self.fields["document_subtype"].empty_label = None
        self.fields["valid_until"].help_text = _(
            "Empty: the issue date + %(days)s days.") % {
            "days": workspace.quotation_validity_days}
        if not numbered and not self.initial.get("document_subtype"):
            # The series the API defaults to: the workspace's first active one.
            self.fields["document_subtype"].initial = (
                self.fields["document_subtype"].queryset.order_by("id")
                .values_list("pk", flat=True).first())
        if numbered:
            # The number was taken from this series when the quotation was created.
            self.fields["document_subtype"].disabled = True
            self.fields["document_subtype"].queryset = DocumentSubtype.objects.for_workspace(
                workspace).filter(document_type=DocumentType.QUOTATION)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "valid_until": self.cleaned_data.get("valid_until")}


class InvoiceSeriesField(forms.ModelChoiceField):
    """Invoice series, with the ones that cannot issue today said so in their label."""

    def label_from_instance(self, obj):
        try:
            check_can_issue(obj, timezone.localdate())
        except NumberingRefused:
            return _("%(series)s (cannot issue now)") % {"series": obj}
        return str(obj)


class ConvertForm(forms.Form):
    document_subtype = InvoiceSeriesField(label=_("Invoice type"),
                                          queryset=DocumentSubtype.objects.none(),
                                          empty_label=None)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_INPUT, required=False,
                                 help_text=_("Empty: today."))
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT, required=False,
                               help_text=_("Empty: the customer's payment terms."))

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        series = list(DocumentSubtype.objects.for_workspace(workspace).active()
                      .filter(document_type=DocumentType.INVOICE))
        self.fields["document_subtype"].queryset = (
            DocumentSubtype.objects.for_workspace(workspace).active()
            .filter(document_type=DocumentType.INVOICE))
        # Preselect the first series that can issue today (a fiscal one without an
        # authorised range cannot).
        today = timezone.localdate()
        for subtype in series:
            try:
                check_can_issue(subtype, today)
            except NumberingRefused:
                continue
            self.fields["document_subtype"].initial = subtype.pk
            break

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"document_subtype_id": data["document_subtype"].pk,
                "issue_date": data.get("issue_date"), "due_date": data.get("due_date")}


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(
                                 attrs={"placeholder": _("What the customer said")}))


class QuotationFilterForm(InvoiceFilterForm):
    overdue = None  # invoices only
