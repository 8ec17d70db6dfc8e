"""Invoice page forms: the documents' header with a due date, payments, cancellation and the
list filter. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.contacts.models import Contact
from invoicing.contacts.selectors import inactive_taxpayers
from invoicing.documents.forms import DATE_INPUT, DocumentHeaderForm, preferred_series
from workspaces.currency_services import exchange_rate_known, with_rate_history

from .models import CancellationReason, PaymentMethod, Salesman


class BuyerSelect(forms.Select):
    """Customer options that say whether the customer has an RNC or cédula, so the page can
    preselect crédito fiscal or consumo."""

    inactive: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-fiscal-id"] = "1" if instance.has_fiscal_id else "0"
            status = self.inactive.get(instance.tax_id)
            if status:
                option["attrs"]["data-registry-status"] = status
        return option


def _currency_label(currency) -> str:
    if exchange_rate_known(currency):
        return str(currency)
    return _("%(code)s (no exchange rate yet: enter it in Settings before issuing)") % {
        "code": currency.code}


class InvoiceHeaderForm(DocumentHeaderForm):
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT, required=False,
                               help_text=_("Empty: the customer's payment terms."))

    field_order = ["contact", "document_subtype", "issue_date", "due_date", "currency",
                   "payment_term", "salesmen", "notes"]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        series = self.fields["document_subtype"]
        preferred = preferred_series(list(series.queryset.select_related("workspace")),
                                     timezone.localdate())
        # The page switches between the two as the customer changes (static/js/lines.js),
        # until the user picks a series themself.
        series.widget.attrs.update({"data-with-id": preferred["with_id"] or "",
                                    "data-without-id": preferred["without_id"] or ""})
        if not self.initial.get("document_subtype"):
            contact = self.initial.get("contact")
            has_id = bool(contact) and Contact.objects.filter(
                pk=contact, tax_id_type__in=("rnc", "cedula")).exclude(tax_id="").exists()
            series.initial = preferred["with_id"] if has_id else preferred["without_id"]
        # A currency nobody has entered a rate for says so before the user tries to issue.
        currency = self.fields["currency"]
        currency.queryset = with_rate_history(currency.queryset)
        currency.label_from_instance = _currency_label
        buyers = BuyerSelect(choices=self.fields["contact"].choices)
        # DGII's registry says these taxpayers are not ACTIVO: the page warns before a
        # crédito fiscal to them.
        buyers.inactive = inactive_taxpayers(
            self.fields["contact"].queryset.exclude(tax_id="").values_list("tax_id", flat=True))
        buyers.attrs["data-registry-warning"] = _(
            "DGII's registry lists this taxpayer as %s: check the RNC before issuing a "
            "crédito fiscal.")
        self.fields["contact"].widget = buyers

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
    itbis_withheld = forms.ChoiceField(
        label=_("ITBIS withheld"), required=False,
        choices=[("", _("None")), ("30", "30%"), ("100", "100%")])
    isr_withheld = forms.ChoiceField(label=_("ISR withheld"), required=False,
                                     choices=[("", _("None")), ("2", "2%"), ("10", "10%")])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        withholdings = []
        for kind in ("itbis", "isr"):
            rate = data.pop(f"{kind}_withheld", "")
            if rate:
                withholdings.append({"kind": kind, "rate": rate})
        return data | {"withholdings": withholdings}


class CancelForm(forms.Form):
    # No reason preselected: the user picks the one DGII's 608 will show.
    reason_code = forms.ChoiceField(label=_("DGII 608 reason"),
                                    choices=[("", _("— choose the reason —")),
                                             *CancellationReason.choices])
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
    ecf_status = forms.ChoiceField(label=_("e-CF status"), required=False, choices=[
        ("", _("All")), ("signed", _("Waiting for DGII")), ("sent", _("Sent to DGII")),
        ("accepted", _("Accepted")), ("accepted_conditional", _("Accepted with conditions")),
        ("rejected", _("Rejected")), ("voided", _("Voided"))])

    def __init__(self, *args, workspace, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.for_workspace(workspace).only(
            "id", "name")
        self.fields["status"].choices = [("", _("All")), *status_choices]
