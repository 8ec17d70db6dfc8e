"""The document editor every document page shares: the header form and line formset, the
live parts (a line row filled from a product, the totals computed by the server's totals
module), and placing the services' errors on the fields they name."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors
from invoicing.products.models import Product
from workspaces.decorators import workspace_required
from workspaces.models import Currency
from workspaces.roles import READ, SELL

from .forms import LineFormSet
from .pricing import price_items
from .totals import summarize

# Service argument → header form field, for placing errors.
HEADER_FIELDS = {"contact_id": "contact", "document_subtype_id": "document_subtype",
                 "currency_id": "currency", "salesman_ids": "salesmen"}


def formset_errors(formset, indexes: list[int], error: DomainError) -> bool:
    """Place `items.N.field` errors on the line forms; True if any was placed."""
    placed = False
    for name, messages_ in error.fields.items():
        parts = name.split(".")
        if parts[0] != "items" or len(parts) < 2 or not parts[1].isdigit():
            continue
        position = int(parts[1])
        if position >= len(indexes):
            continue
        form = formset.forms[indexes[position]]
        field = {"product_id": "product", "tax_ids": "taxes"}.get(
            parts[2] if len(parts) > 2 else "", parts[2] if len(parts) > 2 else None)
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)
        placed = True
    return placed


def header_errors(form, error: DomainError) -> None:
    renamed = DomainError(error.message, fields={
        HEADER_FIELDS.get(name, name): msgs for name, msgs in error.fields.items()
        if not name.startswith("items")})
    if renamed.fields or not any(name.startswith("items") for name in error.fields):
        add_form_errors(form, renamed)


def initial_lines(document) -> list[dict]:
    if document is None:
        return [{"quantity": 1, "discount_type": "amount"}]
    return [{
        "product": line.product_id, "description": line.description,
        "quantity": line.quantity.normalize(), "unit_price": line.unit_price,
        "discount": line.discount, "discount_type": line.discount_type,
        "taxes": line.tax_ids,
    } for line in document.lines.all()]


def header_initial(document, *, dates: tuple[str, ...]) -> dict:
    """The header form's initial values from a saved document (to edit or to copy it)."""
    initial = {
        "contact": document.contact_id, "document_subtype": document.document_subtype_id,
        "currency": document.currency_id, "payment_term": document.payment_term,
        "notes": document.notes, "salesmen": [s.pk for s in document.salesmen.all()],
    }
    return initial | {name: getattr(document, name) for name in dates}


def default_currency(workspace) -> int | None:
    return (Currency.objects.for_workspace(workspace).filter(is_default=True)
            .values_list("pk", flat=True).first())


def editor_forms(request, form, lines_from):
    """The line formset beside a header `form`: posted, or started from `lines_from`."""
    data = request.POST if request.method == "POST" else None
    formset = LineFormSet(data, workspace=request.workspace, prefix="lines",
                          initial=None if data else initial_lines(lines_from))
    return form, formset


def save_document(form, formset, run: Callable[[list[dict], dict], object]):
    """Call `run(items, header kwargs)` for a valid form: the saved document, or None with
    the services' errors placed on the header and line fields."""
    items, indexes = formset.document_items()
    if not items:
        form.add_error(None, _("Add at least one line."))
        return None
    try:
        return run(items, form.service_kwargs())
    except DomainError as error:
        placed = formset_errors(formset, indexes, error)
        if not placed:
            header_errors(form, error)
        elif not form.errors and not any(f.errors for f in formset.forms):
            form.add_error(None, error.message)
        return None


def render_editor(request, template: str, context: dict) -> HttpResponse:
    return render(request, template, {
        "preview_url": reverse("documents:preview"), "row_url": reverse("documents:line_row"),
        "lines_locked": False, **context,
    }, status=400 if request.method == "POST" else 200)


# --- The live parts -----------------------------------------------------------------------


@workspace_required(SELL)
def line_row(request):
    """One line row: blank (`?index=N`) or filled from a product (`&product=ID`), so the
    description, price and taxes come from the product."""
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        index = 0
    initial = {"quantity": 1, "discount_type": "amount"}
    product_id = request.GET.get(f"lines-{index}-product") or request.GET.get("product")
    if product_id and product_id.isdigit():
        product = (Product.objects.for_workspace(request.workspace).filter(pk=product_id)
                   .prefetch_related("taxes").first())
        if product is not None:
            quantity = request.GET.get(f"lines-{index}-quantity") or 1
            initial = {"product": product.pk, "description": product.name,
                       "quantity": quantity, "unit_price": product.unit_price,
                       "discount_type": "amount", "taxes": [t.pk for t in product.taxes.all()]}
    formset = LineFormSet(workspace=request.workspace, prefix="lines")
    form = formset.form(prefix=f"lines-{index}", initial=initial,
                        products=formset._products, taxes=formset._taxes)
    response = render(request, "documents/_line_row.html", {"line": form, "index": index})
    response["HX-Trigger-After-Settle"] = "linesChanged"
    return response


@workspace_required(READ)
@require_POST
def preview(request):
    """Totals of the form as it stands, computed by the server's totals module."""
    formset = LineFormSet(request.POST, workspace=request.workspace, prefix="lines")
    rows = []
    items, indexes = [], []
    for index, form in enumerate(formset.forms):
        if form.is_valid() and not form.is_blank():
            items.append(form.item())
            indexes.append(index)
    results = price_items(workspace_id=request.workspace.pk, items=items)
    priced = []
    for index, result in zip(indexes, results, strict=True):
        if hasattr(result, "figures"):
            priced.append(result.figures)
            rows.append({"index": index, "total": result.figures.total, "error": None})
        else:
            rows.append({"index": index, "total": None, "error": result.message})
    currency = request.POST.get("currency", "")
    currencies = Currency.objects.for_workspace(request.workspace)
    currency = (currencies.filter(pk=currency) if currency.isdigit()
                else currencies.filter(is_default=True)).first()
    return render(request, "documents/_totals.html", {
        "totals": summarize(priced), "rows": rows, "symbol": currency.symbol if currency else "",
        "live": True,
    })
