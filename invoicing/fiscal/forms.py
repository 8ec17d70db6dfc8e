"""Forms of the fiscal settings pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DocumentType, TaxKind
from .ncf_types import SALES_NCF_TYPE_CHOICES
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
        choices=[("", _("— None: a plain series with a prefix —")), *SALES_NCF_TYPE_CHOICES],
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


class NcfOrSequenceField(forms.CharField):
    """A number of a fiscal series, typed as the sequence (`101`) or as the NCF printed on
    DGII's authorisation (`B0100000101`, dashes and spaces allowed): the sequence comes out.
    The form sets `ncf_type` and `digits` (the series' sequence length)."""

    ncf_type: str | None = None
    digits: int | None = None

    def to_python(self, value):
        from .validation import normalise_ncf

        raw = normalise_ncf(super().to_python(value))
        if not raw:
            return None
        if raw.isdigit():
            number = int(raw)
        elif (self.ncf_type and raw.startswith(self.ncf_type)
              and raw[len(self.ncf_type):].isdigit()
              and (self.digits is None or len(raw) == len(self.ncf_type) + self.digits)):
            number = int(raw[len(self.ncf_type):])
        else:
            raise forms.ValidationError(
                _("%(value)s is neither a sequence number nor an NCF of %(type)s "
                  "(like %(example)s).")
                % {"value": value, "type": self.ncf_type or "—",
                   "example": f"{self.ncf_type}{1:0{self.digits or 8}d}"}, code="invalid")
        if number < 1:
            raise forms.ValidationError(MinValueValidator.message, code="min_value",
                                        params={"limit_value": 1})
        return number


class RangeForm(forms.Form):
    """Adding a range DGII authorised to a fiscal series, by sequence numbers or by the
    first and last NCF as DGII's authorisation prints them. It is added to the series'
    history (never typed over the current range) and takes over when the current one is
    used up or expires. E32 and E34 ranges have no expiry, so the field is left out."""

    range_start = NcfOrSequenceField(label=_("From"))
    range_end = NcfOrSequenceField(label=_("To"))
    valid_until = forms.DateField(label=_("Válido hasta"), widget=DATE_WIDGET,
                                  help_text=_("DGII ranges are valid until 31 December of the "
                                              "year after they are authorised."))

    def __init__(self, *args, subtype=None, **kwargs):
        super().__init__(*args, **kwargs)
        info = getattr(subtype, "ncf_type_info", None)
        if info is not None and not info.has_expiry:
            del self.fields["valid_until"]
        for name in ("range_start", "range_end"):
            field = self.fields[name]
            field.ncf_type = getattr(subtype, "ncf_type", None)
            field.digits = getattr(subtype, "sequence_digits", None)
            field.widget.attrs.update({"inputmode": "text", "autocomplete": "off",
                                       "placeholder": subtype.format_number(1)
                                       if field.ncf_type else ""})
        if "valid_until" in self.fields:
            self.fields["valid_until"].initial = default_valid_until(timezone.localdate())
