"""Forms of the fiscal settings pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DocumentType, TaxKind
from .ncf_types import NCF_TYPE_CHOICES
from .numbering import default_valid_until

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaxKind.choices)
    rate = forms.DecimalField(label=_("Rate (%)"), max_digits=5, decimal_places=2,
                              min_value=0, max_value=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True,
                                   help_text=_("Inactive taxes are not offered on new "
                                               "documents; existing documents keep theirs."))


class SubtypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    ncf_type = forms.ChoiceField(
        label=_("NCF type"), required=False,
        choices=[("", _("— None: a plain series with a prefix —")), *NCF_TYPE_CHOICES],
        help_text=_("The DGII fiscal receipt type. Fiscal series have no prefix."))
    prefix = forms.CharField(label=_("Prefix"), max_length=20, required=False,
                             help_text=_("Plain series only, e.g. INV-."))
    padding = forms.IntegerField(label=_("Digits"), min_value=1, max_value=12, required=False,
                                 help_text=_("Plain series only (INV-0001 has 4). NCFs have "
                                             "8 digits (B) or 10 (E)."))
    range_start = forms.IntegerField(label=_("Authorised range: from"), min_value=1,
                                     required=False)
    range_end = forms.IntegerField(label=_("Authorised range: to"), min_value=1,
                                   required=False)
    valid_until = forms.DateField(label=_("Válido hasta"), required=False, widget=DATE_WIDGET,
                                  help_text=_("Empty: 31 December of next year, as DGII "
                                              "authorises."))
    next_number = forms.IntegerField(label=_("Next number"), min_value=1, required=False,
                                     help_text=_("Empty: the first number of a new range."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class RangeForm(forms.Form):
    """Entering the range DGII authorised for a fiscal series."""

    range_start = forms.IntegerField(label=_("From"), min_value=1)
    range_end = forms.IntegerField(label=_("To"), min_value=1)
    valid_until = forms.DateField(label=_("Válido hasta"), widget=DATE_WIDGET,
                                  help_text=_("DGII ranges are valid until 31 December of the "
                                              "year after they are authorised."))
    next_number = forms.IntegerField(label=_("Next number"), min_value=1, required=False,
                                     help_text=_("Empty: the range's first number."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = default_valid_until(timezone.localdate())
