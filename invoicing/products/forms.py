from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicing.fiscal.models import Tax

from .models import MovementKind
from .stock import MANUAL_KINDS


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=14, decimal_places=2,
                                    min_value=Decimal("0"), initial=Decimal("0.00"))
    cost = forms.DecimalField(label=_("Cost"), max_digits=14, decimal_places=2,
                              min_value=Decimal("0"), initial=Decimal("0.00"))
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="unidad",
                           help_text=_("unidad, caja, libra, hora, servicio…"))
    tax_ids = forms.ModelMultipleChoiceField(
        label=_("Default taxes"), queryset=Tax.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most one ITBIS treatment (ITBIS 18%, ITBIS 16% or Exento)."),
    )
    tracks_inventory = forms.BooleanField(label=_("Tracks inventory"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_ids"].queryset = Tax.objects.filter(workspace=workspace,
                                                             is_active=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["taxes"] = list(data.pop("tax_ids"))
        return data


class StockMovementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), initial=MovementKind.ADJUSTMENT,
                             choices=[(k.value, k.label) for k in MANUAL_KINDS])
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=4,
        help_text=_("Positive adds stock, negative removes it (adjustments only)."),
    )
    note = forms.CharField(label=_("Note"), max_length=255,
                           help_text=_("Why: count correction, breakage, supplier invoice…"))


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("SKU or name"),
                                                      "type": "search"}))
    stock = forms.ChoiceField(label=_("Stock"), required=False, choices=[
        ("", _("All")), ("tracked", _("Tracks inventory")), ("low", _("At or below zero")),
    ])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Active")), ("inactive", _("Inactive")), ("all", _("All")),
    ])
