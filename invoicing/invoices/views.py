"""Invoice pages. Forms parse, the services decide; domain errors become form errors. What a
page offers (edit which fields, issue, pay, cancel…) is the invoice's policy."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.pages import run_action, sorted_page, sorted_queryset
from invoicing.documents import blocks, editor
from invoicing.documents.policies import InvoicePolicy
from invoicing.documents.selectors import filter_documents
from invoicing.documents.totals import summarize_stored
from invoicing.reports.lists import invoices_csv, wants_csv
from workspaces.decorators import workspace_required
from workspaces.services import activity_for

from . import payments, services
from .forms import CancelForm, InvoiceFilterForm, InvoiceHeaderForm, PaymentForm
from .models import Invoice, InvoiceStatus, Payment
from .pdf import invoice_pdf_response
from .selectors import invoice_queryset, invoice_search

LIST_SORTS = {
    "issue_date": "issue_date", "document_number": "document_number",
    "contact": "contact__name", "due_date": "due_date", "total_amount": "total_amount",
    "status": "status",
}
PER_PAGE = 25
# The header form's fields by the service argument the policy names.
FORM_FIELDS = {"contact_id": "contact", "document_subtype_id": "document_subtype",
               "issue_date": "issue_date", "due_date": "due_date", "currency_id": "currency",
               "payment_term": "payment_term", "notes": "notes", "salesman_ids": "salesmen"}


def _get_invoice(request, pk) -> Invoice:
    invoice = invoice_queryset(request.workspace).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


@workspace_required("read")
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None, workspace=request.workspace,
                             status_choices=InvoiceStatus.choices)
    queryset = (Invoice.objects.for_workspace(request.workspace)
                .select_related("contact", "currency"))
    if form.is_valid():
        queryset = filter_documents(queryset, form.cleaned_data, search=invoice_search)
        if form.cleaned_data.get("overdue"):
            queryset = queryset.overdue()
        if form.cleaned_data.get("ecf_status"):
            queryset = blocks.filtered("invoice", "ecf", queryset,
                                       form.cleaned_data["ecf_status"])
    if wants_csv(request):
        return invoices_csv(sorted_queryset(request, queryset, sorts=LIST_SORTS,
                                            default="-issue_date")[1])

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


def _invoice_form(request, invoice: Invoice | None, policy: InvoicePolicy | None):
    workspace = request.workspace
    if invoice is None:
        initial = {"currency": editor.default_currency(workspace)}
        if request.GET.get("subtype"):
            initial["document_subtype"] = request.GET["subtype"]
    else:
        initial = editor.header_initial(invoice, dates=("issue_date", "due_date"))
    data = request.POST if request.method == "POST" else None
    form = InvoiceHeaderForm(data, workspace=workspace, initial=initial)
    if policy is not None:
        # What an issued invoice keeps is shown as text, not posted (disabled uses initial).
        editable = policy.editable_fields
        for name, field in FORM_FIELDS.items():
            if name not in editable:
                form.fields[field].disabled = True
    return editor.editor_forms(request, form, invoice)


def _kept_changes(request, form, formset, invoice: Invoice, lines_locked: bool) -> bool:
    """Whether the post changes what the invoice now keeps (a form opened before it was
    issued or paid in another tab). The edit is then refused, saying what and why, rather
    than saved without those changes under a "saved" message."""
    refused = False
    why = _("%(number)s is %(status)s: this can no longer change. Nothing was saved.") % {
        "number": invoice, "status": invoice.get_status_display().lower()}
    for name in FORM_FIELDS.values():
        field = form.fields[name]
        if not field.disabled or form.add_prefix(name) not in request.POST:
            continue
        probe = copy.deepcopy(field)
        probe.disabled = False
        posted = probe.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        if probe.has_changed(form.get_initial_for_field(field, name), posted):
            form.add_error(name, why)
            refused = True
    if lines_locked and f"{formset.prefix}-TOTAL_FORMS" in request.POST:
        items = formset.document_items()[0] if formset.is_valid() else None
        if items is None or not services.invoice_lines_unchanged(invoice, items):
            form.add_error(None, _(
                "The lines of %(number)s can no longer change (it is %(status)s): nothing "
                "was saved. Correct it with a credit or debit note.") % {
                "number": invoice, "status": invoice.get_status_display().lower()})
            refused = True
    return refused


def _editor(request, invoice: Invoice | None):
    policy = InvoicePolicy(invoice, request.user) if invoice is not None else None
    lines_locked = policy is not None and "items" not in policy.editable_fields
    form, formset = _invoice_form(request, invoice, policy)
    if request.method == "POST" and invoice is not None \
            and _kept_changes(request, form, formset, invoice, lines_locked):
        pass
    elif request.method == "POST" and form.is_valid() and (lines_locked
                                                           or formset.is_valid()):
        issue = request.POST.get("action") == "issue"

        def run(items, kwargs):
            if invoice is None:
                return services.invoice_create(workspace=request.workspace,
                                               actor=request.user, items=items,
                                               draft=not issue, **kwargs)
            editable = policy.editable_fields
            changes = {name: value for name, value in kwargs.items() if name in editable}
            if "items" in editable:
                changes["items"] = items
            if changes.get("due_date") is None:
                changes.pop("due_date", None)
            updated = services.invoice_update(invoice=invoice, actor=request.user, **changes)
            if issue and updated.status == InvoiceStatus.DRAFT:
                updated = services.invoice_issue(invoice=updated, actor=request.user)
            return updated

        saved = (run([], form.service_kwargs()) if lines_locked
                 else editor.save_document(form, formset, run))
        if saved is not None:
            if saved.status == InvoiceStatus.DRAFT:
                messages.success(request, _("Draft saved."))
            else:
                messages.success(request, _("Invoice %(number)s saved.")
                                 % {"number": saved.document_number})
            return redirect("invoices:detail", pk=saved.pk)
    return editor.render_editor(request, "invoices/form.html", {
        "form": form, "formset": formset, "invoice": invoice, "lines_locked": lines_locked,
        "policy": policy, "lines": list(invoice.lines.all()) if lines_locked else [],
        "symbol": invoice.currency.symbol if invoice is not None else "",
    })


@workspace_required("invoice_create")
def invoice_new(request):
    return _editor(request, None)


@workspace_required("invoice_update")
def invoice_edit(request, pk):
    invoice = _get_invoice(request, pk)
    refusal = InvoicePolicy(invoice, request.user).refusal("edit")
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("invoices:detail", pk=pk)
    return _editor(request, invoice)


# --- Detail and actions ---------------------------------------------------------------------


@workspace_required("read")
def invoice_detail(request, pk):
    invoice = _get_invoice(request, pk)
    lines = list(invoice.lines.all())
    return render(request, "invoices/detail.html", {
        "invoice": invoice, "lines": lines, "totals": summarize_stored(lines),
        "policy": InvoicePolicy(invoice, request.user),
        "payments": list(invoice.payments.prefetch_related("withholdings")),
        "fiscal_notes": list(invoice.fiscal_notes.order_by("issue_date", "id"))
        if hasattr(invoice, "fiscal_notes") else [],
        "payment_form": PaymentForm(initial={"amount": invoice.amount_due}),
        "cancel_form": CancelForm(),
        "activity": activity_for(invoice)[:50],
        "symbol": invoice.currency.symbol,
    })


def _run(request, pk, action, success):
    return run_action(request, action, success=success,
                      done=reverse("invoices:detail", args=[pk]))


@workspace_required("invoice_issue")
@require_POST
def invoice_issue_view(request, pk):
    invoice = _get_invoice(request, pk)
    return _run(request, pk, lambda: services.invoice_issue(invoice=invoice, actor=request.user),
                _("Invoice issued."))


@workspace_required("invoice_cancel")
@require_POST
def invoice_cancel_view(request, pk):
    invoice = _get_invoice(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the DGII 608 reason for the cancellation."))
        return redirect("invoices:detail", pk=pk)
    return _run(request, pk, lambda: services.invoice_cancel(
        invoice=invoice, actor=request.user, **form.cleaned_data), _("Invoice cancelled."))


@workspace_required("invoice_delete")
@require_POST
def invoice_delete_view(request, pk):
    invoice = _get_invoice(request, pk)
    return run_action(request, lambda: services.invoice_delete(invoice=invoice,
                                                               actor=request.user),
                      success=_("Draft deleted."), done=reverse("invoices:list"),
                      failed=reverse("invoices:detail", args=[pk]))


@workspace_required("payment_record")
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
    return _run(request, pk, lambda: payments.payment_record(
        invoice=invoice, actor=request.user, **form.service_kwargs()), _("Payment recorded."))


@workspace_required("payment_delete")
@require_POST
def payment_remove(request, pk, payment_pk):
    invoice = _get_invoice(request, pk)
    payment = Payment.objects.filter(invoice=invoice, pk=payment_pk).first()
    if payment is None:
        raise Http404
    return _run(request, pk, lambda: payments.payment_delete(payment=payment,
                                                             actor=request.user),
                _("Payment deleted."))


@workspace_required("read")
def invoice_pdf(request, pk):
    invoice = _get_invoice(request, pk)
    return invoice_pdf_response(invoice, inline=request.GET.get("download") != "1")
