"""The note form: its header (code, reason, date, full credit) and, read from the POST, the
quantity and restock of each line of the original and a few free lines."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.fiscal.models import Tax

from .models import REASON_MAX, ModificationCode

FREE_LINES = 3
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoteListForm(forms.Form):
    """The note list's filter: by e-CF status, as the invoice list."""

    ecf_status = forms.ChoiceField(label=_("e-CF status"), required=False)

    def __init__(self, *args, **kwargs):
        from invoicing.invoices.forms import InvoiceFilterForm

        super().__init__(*args, **kwargs)
        self.fields["ecf_status"].choices = InvoiceFilterForm.base_fields["ecf_status"].choices


class NoteForm(forms.Form):
    full = forms.BooleanField(label=_("Credit the whole document (code 1, annuls it)"),
                              required=False)
    modification_code = forms.TypedChoiceField(
        label=_("Modification code"), coerce=int, choices=ModificationCode.choices,
        initial=ModificationCode.CORRECTS_AMOUNTS)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, required=False)
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_INPUT,
                                 initial=timezone.localdate)

    def __init__(self, *args, credit: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not credit:
            del self.fields["full"]
            self.fields["modification_code"].choices = [
                c for c in ModificationCode.choices if c[0] != ModificationCode.ANNULS]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("full"):
            data["modification_code"] = ModificationCode.ANNULS
        else:
            data.pop("full", None)
        return data


def _number(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return Decimal("NaN")


def posted_items(post, lines, workspace) -> list[dict]:
    """Items from the POST: `qty-<line id>` / `restock-<line id>` for the original's lines,
    `free-<n>-description|quantity|unit_price|tax` for free lines. Bad numbers go on to the
    service, which names the field."""
    items = []
    for line in lines:
        quantity = _number(post.get(f"qty-{line.pk}", ""))
        if quantity is None or quantity == 0:
            continue
        items.append({"invoice_item_id": line.pk, "quantity": quantity,
                      "restock": post.get(f"restock-{line.pk}") == "on"})
    taxes = {str(t.pk): t.pk for t in Tax.objects.filter(workspace=workspace, is_active=True)}
    for index in range(FREE_LINES):
        description = (post.get(f"free-{index}-description") or "").strip()
        price = _number(post.get(f"free-{index}-unit_price", ""))
        if not description and price is None:
            continue
        tax = post.get(f"free-{index}-tax", "")
        items.append({"description": description,
                      "quantity": _number(post.get(f"free-{index}-quantity", "")) or 1,
                      "unit_price": price, "tax_ids": [taxes[tax]] if tax in taxes else []})
    return items
