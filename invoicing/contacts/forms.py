from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from invoicing.core.errors import InvalidInput

from .identity import normalize_tax_id
from .models import ContactKind, TaxIdType

_TAX_ID_CHECK = {
    "hx-post": reverse_lazy("contacts:check_tax_id"),
    "hx-trigger": "change",
    "hx-target": "#tax-id-check",
    "hx-include": "[name=tax_id_type],[name=tax_id],[name=contact_pk]",
    "hx-swap": "innerHTML",
}


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices,
                             initial=ContactKind.CUSTOMER)
    tax_id_type = forms.ChoiceField(label=_("Tax ID type"), choices=TaxIdType.choices,
                                    initial=TaxIdType.RNC,
                                    widget=forms.Select(attrs=_TAX_ID_CHECK))
    tax_id = forms.CharField(
        label=_("Tax ID"), max_length=30, required=False,
        help_text=_("RNC (9 digits) or cédula (11 digits); dashes are optional."),
        widget=forms.TextInput(attrs={**_TAX_ID_CHECK, "autocomplete": "off",
                                      "aria-describedby": "tax-id-check"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), required=False, min_value=0, max_value=3650,
        help_text=_("Due date of its invoices = issue date + these days."),
    )
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if "tax_id_type" in data and "tax_id" in data:
            try:
                data["tax_id"] = normalize_tax_id(data["tax_id_type"], data["tax_id"])
            except InvalidInput as error:
                for name, messages in error.fields.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return data


class ContactSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or RNC/cédula"),
                                                      "type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *ContactKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active")), ("inactive", _("Inactive")), ("all", _("All")),
    ])
