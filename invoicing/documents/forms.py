"""Page forms every document shares: a header form and a formset of lines. They only parse;
the services decide. `document_items()` turns the formset into the services' items."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.contacts.models import Contact
from invoicing.fiscal.models import DocumentSubtype, DocumentType, Tax
from invoicing.fiscal.ncf_types import PURCHASE_NCF_TYPES
from invoicing.products.models import Product
from workspaces.models import Currency

from .models import DiscountType

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentHeaderForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Customer"), queryset=Contact.objects.none())
    document_subtype = forms.ModelChoiceField(label=_("Document type"),
                                              queryset=DocumentSubtype.objects.none())
    issue_date = forms.DateField(label=_("Issue date"), widget=DATE_INPUT)
    currency = forms.ModelChoiceField(label=_("Currency"), queryset=Currency.objects.none(),
                                      required=False)
    payment_term = forms.CharField(label=_("Payment terms"), required=False, max_length=100)
    salesmen = forms.ModelMultipleChoiceField(label=_("Salesmen"), required=False,
                                              queryset=Contact.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 3}))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    document_type = DocumentType.INVOICE

    def salesmen_queryset(self, workspace):
        """The active salesmen of the workspace (the salesmen live with the invoices)."""
        raise NotImplementedError

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        # Suppliers are not offered as buyers.
        self.fields["contact"].queryset = (Contact.objects.for_workspace(workspace).active()
                                           .customers())
        # Purchase-side NCF types (B11/E41, B13/E43, B17/E47) never number a sale; the
        # series' ranges come along so a range waiting to take over counts as issuable.
        self.fields["document_subtype"].queryset = (
            DocumentSubtype.objects.for_workspace(workspace).active()
            .filter(document_type=self.document_type)
            .exclude(ncf_type__in=PURCHASE_NCF_TYPES).prefetch_related("ranges"))
        currencies = Currency.objects.for_workspace(workspace).active()
        self.fields["currency"].queryset = currencies
        self.fields["currency"].empty_label = None
        self.fields["currency"].required = True
        self.fields["salesmen"].queryset = self.salesmen_queryset(workspace)
        self.fields["issue_date"].initial = timezone.localdate()

    @cached_property
    def frozen_text(self) -> dict[str, str]:
        """The shown value of each disabled field (what an issued document keeps), as text."""
        texts = {}
        for name, field in self.fields.items():
            if not field.disabled:
                continue
            value = self.initial.get(name, field.initial)
            if isinstance(field, forms.ModelMultipleChoiceField):
                texts[name] = ", ".join(str(o) for o in field.queryset.filter(pk__in=value or []))
            elif isinstance(field, forms.ModelChoiceField):
                found = field.queryset.model._default_manager.filter(pk=value).first() \
                    if value else None
                texts[name] = str(found) if found else "—"
            elif hasattr(value, "strftime"):
                texts[name] = value.strftime("%d/%m/%Y")
            else:
                texts[name] = str(value or "—")
        return texts

    def service_kwargs(self) -> dict:
        """The header as the document services take it."""
        data = self.cleaned_data
        return {
            "contact_id": data["contact"].pk,
            "document_subtype_id": data["document_subtype"].pk,
            "issue_date": data["issue_date"],
            "currency_id": data["currency"].pk if data.get("currency") else None,
            "payment_term": data.get("payment_term", ""),
            "notes": data.get("notes", ""),
            "salesman_ids": [s.pk for s in data.get("salesmen") or []],
        }


def issuable_series(subtypes, on_date) -> list:
    """The series of `subtypes` that can hand out a number on `on_date`."""
    from invoicing.fiscal.numbering import NumberingRefused, check_can_issue

    from .issuing import series_available

    usable = []
    for subtype in subtypes:
        try:
            check_can_issue(subtype, on_date)
        except NumberingRefused:
            continue
        if series_available(subtype):
            usable.append(subtype)
    return usable


def preferred_series(subtypes, on_date) -> dict[str, int | None]:
    """The series a new invoice starts with: crédito fiscal (E31, else B01) for a buyer with
    an RNC or cédula, consumo (E32, else B02) for one without; a non-fiscal series only when
    no fiscal one can issue."""
    usable = issuable_series(subtypes, on_date)
    by_type = {s.ncf_type: s.pk for s in usable if s.ncf_type}
    first = usable[0].pk if usable else None
    return {"with_id": by_type.get("E31") or by_type.get("B01") or first,
            "without_id": by_type.get("E32") or by_type.get("B02") or first}


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(),
                                     required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    quantity = forms.DecimalField(label=_("Qty."), max_digits=14, decimal_places=4,
                                  required=False,
                                  widget=forms.NumberInput(attrs={"step": "any"}))
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=14, decimal_places=2,
                                    required=False,
                                    widget=forms.NumberInput(attrs={"step": "0.01"}))
    discount = forms.DecimalField(label=_("Discount"), max_digits=14, decimal_places=2,
                                  required=False,
                                  widget=forms.NumberInput(attrs={"step": "0.01"}))
    discount_type = forms.ChoiceField(label=_("Type"), choices=DiscountType.choices,
                                      required=False, initial=DiscountType.AMOUNT)
    taxes = forms.ModelMultipleChoiceField(label=_("Taxes"), queryset=Tax.objects.none(),
                                           required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workspace=None, products=None, taxes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products
        if taxes is not None:
            self.fields["taxes"].queryset = taxes

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        # A fresh row carries quantity 1 and nothing else: still blank.
        return not any(data.get(name) for name in ("product", "description", "unit_price"))

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "product_id": data["product"].pk if data.get("product") else None,
            "description": data.get("description") or "",
            "quantity": data.get("quantity"),
            "unit_price": data.get("unit_price"),
            "discount": data.get("discount") or 0,
            "discount_type": data.get("discount_type") or DiscountType.AMOUNT,
            "tax_ids": [t.pk for t in data.get("taxes") or []],
        }


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, workspace, **kwargs):
        self.workspace = workspace
        self._products = Product.objects.for_workspace(workspace).active().only(
            "id", "sku", "name", "workspace_id")
        self._taxes = Tax.objects.for_workspace(workspace).active()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"products": self._products, "taxes": self._taxes}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         products=self._products, taxes=self._taxes,
                         renderer=self.renderer)
        self.add_fields(form, None)
        return form

    def filled_forms(self) -> list[tuple[int, LineForm]]:
        """(index, form) of the lines that carry something; blank rows are ignored."""
        return [(i, f) for i, f in enumerate(self.forms)
                if hasattr(f, "cleaned_data") and not f.is_blank()]

    def document_items(self) -> tuple[list[dict], list[int]]:
        """The services' `items`, and for each item the index of its form (for errors)."""
        filled = self.filled_forms()
        return [form.item() for _, form in filled], [index for index, _ in filled]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0,
                                    can_delete=False, min_num=0, max_num=500)
