"""Invoice page forms: the documents' header with a due date, payments, cancellation and the
list filter. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.contacts.models import Contact
from invoicing.documents.forms import DATE_INPUT, DocumentHeaderForm

from .models import CancellationReason, PaymentMethod, Salesman


class InvoiceHeaderForm(DocumentHeaderForm):
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT, required=False,
                               help_text=_("Empty: the customer's payment terms."))

    field_order = ["contact", "document_subtype", "issue_date", "due_date", "currency",
                   "payment_term", "salesmen", "notes"]

    def salesmen_queryset(self, workspace):
        return Salesman.objects.for_workspace(workspace).active()

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "due_date": self.cleaned_data.get("due_date")}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2,
                                min_value=0, widget=forms.NumberInput(attrs={"step": "0.01"}))
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices,
                               initial=PaymentMethod.CASH)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class CancelForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("DGII 608 reason"),
                                    choices=CancellationReason.choices)
    reason = forms.CharField(label=_("Details"), max_length=500, required=False)


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Number or customer")}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    contact = forms.ModelChoiceField(label=_("Customer"), required=False,
                                     queryset=Contact.objects.none())
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, workspace, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.for_workspace(workspace).only(
            "id", "name")
        self.fields["status"].choices = [("", _("All")), *status_choices]
