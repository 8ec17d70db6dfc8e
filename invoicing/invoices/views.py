"""Invoice pages. Forms parse, the services decide; domain errors become form errors."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import run_action, sorted_page
from invoicing.documents.pricing import price_items
from invoicing.documents.totals import summarize, summarize_stored
from invoicing.products.models import Product
from workspaces.decorators import workspace_required
from workspaces.models import Currency
from workspaces.roles import FISCAL, READ, SELL
from workspaces.services import activity_for
from workspaces.views import add_form_errors

from . import services
from .forms import CancelForm, InvoiceFilterForm, InvoiceHeaderForm, LineFormSet, PaymentForm
from .models import Invoice, InvoiceStatus, Payment
from .selectors import filter_documents, invoice_queryset, invoice_search

LIST_SORTS = {
    "issue_date": "issue_date", "document_number": "document_number",
    "contact": "contact__name", "due_date": "due_date", "total_amount": "total_amount",
    "status": "status",
}
PER_PAGE = 25


def _get_invoice(request, pk) -> Invoice:
    invoice = invoice_queryset(request.workspace).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


# --- List -----------------------------------------------------------------------------------


@workspace_required(READ)
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None, workspace=request.workspace,
                             status_choices=InvoiceStatus.choices)
    queryset = (Invoice.objects.for_workspace(request.workspace)
                .select_related("contact", "currency"))
    if form.is_valid():
        queryset = filter_documents(queryset, form.cleaned_data, search=invoice_search)
        if form.cleaned_data.get("overdue"):
            queryset = queryset.overdue()

    sums = queryset.exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED]) \
        .aggregate(total=Sum("total_amount"), paid=Sum("amount_paid"))
    listing = sorted_page(request, queryset, sorts=LIST_SORTS, default="-issue_date",
                          per_page=PER_PAGE)
    total = sums["total"] or 0
    return render(request, "invoices/list.html", {
        "form": form, "invoices": listing["page"].object_list, **listing,
        "sum_total": total, "sum_due": total - (sums["paid"] or 0),
    })


# --- Create and edit ------------------------------------------------------------------------


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


HEADER_FIELDS = {"contact_id": "contact", "document_subtype_id": "document_subtype",
                 "currency_id": "currency", "salesman_ids": "salesmen"}


def header_errors(form, error: DomainError) -> None:
    renamed = DomainError(error.message, fields={
        HEADER_FIELDS.get(name, name): msgs for name, msgs in error.fields.items()
        if not name.startswith("items")})
    if renamed.fields or not any(name.startswith("items") for name in error.fields):
        add_form_errors(form, renamed)


def initial_lines(invoice: Invoice | None) -> list[dict]:
    if invoice is None:
        return [{"quantity": 1, "discount_type": "amount"}]
    return [{
        "product": line.product_id, "description": line.description,
        "quantity": line.quantity.normalize(), "unit_price": line.unit_price,
        "discount": line.discount, "discount_type": line.discount_type,
        "taxes": line.tax_ids,
    } for line in invoice.lines.all()]


def _invoice_form(request, invoice: Invoice | None):
    workspace = request.workspace
    if invoice is None:
        initial = {"currency": Currency.objects.for_workspace(workspace)
                   .filter(is_default=True).values_list("pk", flat=True).first()}
        default_subtype = request.GET.get("subtype")
        if default_subtype:
            initial["document_subtype"] = default_subtype
    else:
        initial = {
            "contact": invoice.contact_id, "document_subtype": invoice.document_subtype_id,
            "issue_date": invoice.issue_date, "due_date": invoice.due_date,
            "currency": invoice.currency_id, "payment_term": invoice.payment_term,
            "notes": invoice.notes, "salesmen": [s.pk for s in invoice.salesmen.all()],
        }
    data = request.POST if request.method == "POST" else None
    form = InvoiceHeaderForm(data, workspace=workspace, initial=initial)
    if invoice is not None and invoice.status != InvoiceStatus.DRAFT:
        # What an issued invoice keeps is shown but not posted (disabled fields use initial).
        form.fields["document_subtype"].disabled = True
        if invoice.amount_paid > 0:
            form.fields["contact"].disabled = True
            form.fields["currency"].disabled = True
    formset = LineFormSet(data, workspace=workspace, prefix="lines",
                          initial=None if data else initial_lines(invoice))
    return form, formset


def _save(request, form, formset, invoice: Invoice | None):
    """Run the service for a valid form; return the invoice, or None with errors placed."""
    items, indexes = formset.document_items()
    if not items:
        form.add_error(None, _("Add at least one line."))
        return None
    kwargs = form.service_kwargs()
    try:
        if invoice is None:
            return services.invoice_create(
                workspace=request.workspace, actor=request.user, items=items,
                draft=request.POST.get("action") != "issue", **kwargs)
        if invoice.status != InvoiceStatus.DRAFT:
            kwargs.pop("document_subtype_id", None)
        if invoice.amount_paid > 0:
            kwargs.pop("contact_id", None)
            kwargs.pop("currency_id", None)
        changes = {**kwargs}
        if invoice.amount_paid == 0:
            changes["items"] = items
        if changes.get("due_date") is None:
            changes.pop("due_date")
        updated = services.invoice_update(invoice=invoice, actor=request.user, **changes)
        if request.POST.get("action") == "issue" and updated.status == InvoiceStatus.DRAFT:
            updated = services.invoice_issue(invoice=updated, actor=request.user)
        return updated
    except DomainError as error:
        placed = formset_errors(formset, indexes, error)
        if not placed:
            header_errors(form, error)
        elif not form.errors and not any(f.errors for f in formset.forms):
            form.add_error(None, error.message)
        return None


def _editor(request, invoice: Invoice | None):
    form, formset = _invoice_form(request, invoice)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save(request, form, formset, invoice)
        if saved is not None:
            if saved.status == InvoiceStatus.DRAFT:
                messages.success(request, _("Draft saved."))
            else:
                messages.success(request, _("Invoice %(number)s saved.")
                                 % {"number": saved.document_number})
            return redirect("invoices:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "invoices/form.html", {
        "form": form, "formset": formset, "invoice": invoice,
        "preview_url": reverse("invoices:preview"),
        "row_url": reverse("invoices:line_row"),
        "lines_locked": invoice is not None and invoice.amount_paid > 0,
    }, status=status)


@workspace_required(SELL)
def invoice_new(request):
    return _editor(request, None)


@workspace_required(SELL)
def invoice_edit(request, pk):
    invoice = _get_invoice(request, pk)
    if invoice.status == InvoiceStatus.CANCELLED:
        messages.error(request, _("A cancelled invoice cannot change."))
        return redirect("invoices:detail", pk=pk)
    return _editor(request, invoice)


# --- The line editor's live parts (shared with quotations) ------------------------------


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
    response = render(request, "invoices/_line_row.html", {"line": form, "index": index})
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
    figures = summarize(priced)
    currency = request.POST.get("currency", "")
    currencies = Currency.objects.for_workspace(request.workspace)
    currency = (currencies.filter(pk=currency) if currency.isdigit()
                else currencies.filter(is_default=True)).first()
    currency_symbol = currency.symbol if currency else ""
    return render(request, "invoices/_totals.html", {
        "totals": figures, "rows": rows, "symbol": currency_symbol, "live": True,
    })


# --- Detail and actions ---------------------------------------------------------------------


@workspace_required(READ)
def invoice_detail(request, pk):
    invoice = _get_invoice(request, pk)
    lines = list(invoice.lines.all())
    return render(request, "invoices/detail.html", {
        "invoice": invoice, "lines": lines, "totals": summarize_stored(lines),
        "payments": list(invoice.payments.all()),
        "payment_form": PaymentForm(initial={"amount": invoice.amount_due}),
        "cancel_form": CancelForm(),
        "activity": activity_for(invoice)[:50],
        "symbol": invoice.currency.symbol,
    })


def _run(request, pk, action, success):
    return run_action(request, action, success=success,
                      done=reverse("invoices:detail", args=[pk]))


@workspace_required(SELL)
@require_POST
def invoice_issue_view(request, pk):
    invoice = _get_invoice(request, pk)
    return _run(request, pk, lambda: services.invoice_issue(invoice=invoice, actor=request.user),
                _("Invoice issued."))


@workspace_required(FISCAL)
@require_POST
def invoice_cancel_view(request, pk):
    invoice = _get_invoice(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the DGII 608 reason for the cancellation."))
        return redirect("invoices:detail", pk=pk)
    return _run(request, pk, lambda: services.invoice_cancel(
        invoice=invoice, actor=request.user, **form.cleaned_data), _("Invoice cancelled."))


@workspace_required(SELL)
@require_POST
def invoice_delete_view(request, pk):
    invoice = _get_invoice(request, pk)
    return run_action(request, lambda: services.invoice_delete(invoice=invoice,
                                                               actor=request.user),
                      success=_("Draft deleted."), done=reverse("invoices:list"),
                      failed=reverse("invoices:detail", args=[pk]))


@workspace_required(SELL)
@require_POST
def payment_add(request, pk):
    invoice = _get_invoice(request, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}"
                               if field in form.fields else error)
        return redirect("invoices:detail", pk=pk)
    return _run(request, pk, lambda: services.payment_record(
        invoice=invoice, actor=request.user, **form.cleaned_data), _("Payment recorded."))


@workspace_required(FISCAL)
@require_POST
def payment_remove(request, pk, payment_pk):
    invoice = _get_invoice(request, pk)
    payment = Payment.objects.filter(invoice=invoice, pk=payment_pk).first()
    if payment is None:
        raise Http404
    return _run(request, pk, lambda: services.payment_delete(payment=payment,
                                                             actor=request.user),
                _("Payment deleted."))


@workspace_required(READ)
def invoice_pdf(request, pk):
    invoice = _get_invoice(request, pk)
    try:
        from .pdf import invoice_pdf_response
    except ImportError:
        return HttpResponse(_("PDF rendering is not available."), status=503)
    return invoice_pdf_response(invoice, inline=request.GET.get("download") != "1")
