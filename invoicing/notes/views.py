"""Note pages: the form from an issued invoice's page, the list under Facturas, the detail
with its PDF, and voiding. The services decide; domain errors become form errors."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors, run_action, sorted_page
from invoicing.documents.policies import InvoicePolicy, NotePolicy
from invoicing.documents.totals import summarize_stored
from invoicing.fiscal.models import Tax
from invoicing.invoices.forms import CancelForm
from invoicing.invoices.models import Invoice
from workspaces.decorators import workspace_required
from workspaces.services import activity_for

from . import services
from .filters import by_ecf_status
from .forms import FREE_LINES, NoteForm, NoteListForm, posted_items
from .lines import restocked_quantities
from .models import Note, NoteKind
from .pdf import note_pdf_response

LIST_SORTS = {"issue_date": "issue_date", "document_number": "document_number",
              "total_amount": "total_amount", "kind": "document_type"}


def _note(request, pk) -> Note:
    note = (Note.objects.for_workspace(request.workspace)
            .select_related("contact", "currency", "document_subtype", "invoice")
            .filter(pk=pk).first())
    if note is None:
        raise Http404
    return note


@workspace_required("read")
def note_list(request):
    queryset = Note.objects.for_workspace(request.workspace).select_related("currency")
    kind = request.GET.get("kind")
    if kind in NoteKind.values:
        queryset = queryset.filter(document_type=kind)
    form = NoteListForm(request.GET)
    if form.is_valid() and form.cleaned_data["ecf_status"]:
        queryset = by_ecf_status(queryset, form.cleaned_data["ecf_status"])
    listing = sorted_page(request, queryset, sorts=LIST_SORTS, default="-issue_date")
    return render(request, "notes/list.html", {"notes": listing["page"].object_list,
                                               "kind": kind, "form": form, **listing})


def _note_form(request, invoice_pk, kind: str):
    invoice = (Invoice.objects.for_workspace(request.workspace)
               .select_related("currency", "contact").filter(pk=invoice_pk).first())
    if invoice is None:
        raise Http404
    credit = kind == NoteKind.CREDIT
    refusal = InvoicePolicy(invoice, request.user).refusal("credit" if credit else "debit")
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("invoices:detail", pk=invoice.pk)
    lines = list(invoice.lines.select_related("product")) if credit else []
    form = NoteForm(request.POST or None, credit=credit)
    if request.method == "POST" and form.is_valid():
        issue = services.credit_note_issue if credit else services.debit_note_issue
        kwargs = form.service_kwargs()
        if not kwargs.get("full"):
            kwargs["items"] = posted_items(request.POST, lines, request.workspace)
        try:
            note = issue(workspace=request.workspace, actor=request.user,
                         invoice_id=invoice.pk, **kwargs)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Note %(number)s issued.")
                             % {"number": note.document_number})
            return redirect("notes:detail", pk=note.pk)
    returned = restocked_quantities(line.pk for line in lines)
    rows = [{"line": line, "returned": returned.get(line.pk, 0),
             "restockable": line.product is not None and line.product.tracks_inventory,
             "posted_qty": request.POST.get(f"qty-{line.pk}", ""),
             "posted_restock": request.POST.get(f"restock-{line.pk}") == "on"}
            for line in lines]
    return render(request, "notes/form.html", {
        "invoice": invoice, "form": form, "rows": rows, "credit": credit,
        "free_lines": range(FREE_LINES), "symbol": invoice.currency.symbol,
        "taxes": Tax.objects.filter(workspace=request.workspace, is_active=True),
        "left": invoice.amount_left_to_credit,
    })


@workspace_required("credit_note_issue")
def credit_note_new(request, invoice_pk):
    return _note_form(request, invoice_pk, NoteKind.CREDIT)


@workspace_required("debit_note_issue")
def debit_note_new(request, invoice_pk):
    return _note_form(request, invoice_pk, NoteKind.DEBIT)


@workspace_required("read")
def note_detail(request, pk):
    note = _note(request, pk)
    lines = list(note.lines.select_related("invoice_line"))
    return render(request, "notes/detail.html", {
        "note": note, "lines": lines, "totals": summarize_stored(lines),
        "symbol": note.currency.symbol, "cancel_form": CancelForm(),
        "policy": NotePolicy(note, request.user),
        "activity": activity_for(note)[:50],
    })


@workspace_required("note_cancel")
@require_POST
def note_cancel_view(request, pk):
    note = _note(request, pk)
    form = CancelForm(request.POST)
    done = reverse("notes:detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Choose the DGII 608 reason for the cancellation."))
        return redirect(done)
    return run_action(request, lambda: services.note_cancel(note=note, actor=request.user,
                                                            **form.cleaned_data),
                      success=_("Note cancelled."), done=done)


@workspace_required("read")
def note_pdf(request, pk):
    return note_pdf_response(_note(request, pk), inline=request.GET.get("download") != "1")
