"""Quotation pages. The form is the invoice form's header and line editor (live totals from
the server's totals module through `documents:preview`); forms parse, the services decide,
domain errors become form errors or messages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import run_action, sorted_page
from invoicing.documents import editor
from invoicing.documents.policies import QuotationPolicy
from invoicing.documents.selectors import filter_documents
from invoicing.documents.totals import summarize_stored
from workspaces.decorators import workspace_required
from workspaces.roles import READ, SELL
from workspaces.services import activity_for

from . import conversion, services
from .forms import ConvertForm, QuotationFilterForm, QuotationHeaderForm, RejectForm
from .models import Quotation, QuotationStatus
from .selectors import quotation_queryset, quotation_search

LIST_SORTS = {
    "issue_date": "issue_date", "document_number": "document_number",
    "contact": "contact__name", "valid_until": "valid_until", "total_amount": "total_amount",
    "status": "status",
}
PER_PAGE = 25


def _get_quotation(request, pk) -> Quotation:
    quotation = quotation_queryset(request.workspace).filter(pk=pk).first()
    if quotation is None:
        raise Http404
    return quotation


# --- List -----------------------------------------------------------------------------------


@workspace_required(READ)
def quotation_list(request):
    form = QuotationFilterForm(request.GET or None, workspace=request.workspace,
                               status_choices=QuotationStatus.choices)
    queryset = (Quotation.objects.for_workspace(request.workspace)
                .select_related("contact", "currency", "invoice"))
    if form.is_valid():
        queryset = filter_documents(queryset, form.cleaned_data, search=quotation_search)

    listing = sorted_page(request, queryset, sorts=LIST_SORTS, default="-issue_date",
                          per_page=PER_PAGE)
    return render(request, "quotations/list.html", {
        "form": form, "quotations": listing["page"].object_list, **listing,
    })


# --- Create and edit ------------------------------------------------------------------------


def _copy_source(request) -> Quotation | None:
    """`/quotations/new/?copy=<id>`: a new quotation prefilled from another one (how an
    expired or rejected offer is made again)."""
    source = request.GET.get("copy", "")
    if request.method != "GET" or not source.isdigit():
        return None
    return quotation_queryset(request.workspace).filter(pk=source).first()


def _quotation_form(request, quotation: Quotation | None):
    workspace = request.workspace
    source = quotation or _copy_source(request)
    if source is not None:
        initial = editor.header_initial(
            source, dates=("issue_date", "valid_until") if quotation is not None else ())
    else:
        initial = {"currency": editor.default_currency(workspace)}
        contact = request.GET.get("contact", "")
        if contact.isdigit():
            initial["contact"] = int(contact)
    data = request.POST if request.method == "POST" else None
    form = QuotationHeaderForm(data, workspace=workspace, initial=initial,
                               numbered=quotation is not None)
    return editor.editor_forms(request, form, source)


def _editor(request, quotation: Quotation | None):
    form, formset = _quotation_form(request, quotation)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        def run(items, kwargs):
            if quotation is None:
                return services.quotation_create(workspace=request.workspace,
                                                 actor=request.user, items=items, **kwargs)
            kwargs.pop("document_subtype_id")
            if kwargs.get("valid_until") is None:
                kwargs.pop("valid_until")
            return services.quotation_update(quotation=quotation, actor=request.user,
                                             items=items, **kwargs)

        saved = editor.save_document(form, formset, run)
        if saved is not None:
            messages.success(request, _("Quotation %(number)s saved.")
                             % {"number": saved.document_number})
            return redirect("quotations:detail", pk=saved.pk)
    return editor.render_editor(request, "quotations/form.html", {
        "form": form, "formset": formset, "quotation": quotation,
    })


@workspace_required(SELL)
def quotation_new(request):
    return _editor(request, None)


@workspace_required(SELL)
def quotation_edit(request, pk):
    quotation = _get_quotation(request, pk)
    if QuotationPolicy(quotation, request.user).refusal("edit") is not None:
        messages.error(request, _("%(number)s is %(status)s and can no longer be edited.")
                       % {"number": quotation,
                          "status": _("expired") if quotation.has_lapsed()
                          else quotation.get_status_display().lower()})
        return redirect("quotations:detail", pk=pk)
    return _editor(request, quotation)


# --- Detail and actions ---------------------------------------------------------------------


@workspace_required(READ)
def quotation_detail(request, pk):
    quotation = _get_quotation(request, pk)
    lines = list(quotation.lines.all())
    policy = QuotationPolicy(quotation, request.user)
    return render(request, "quotations/detail.html", {
        "quotation": quotation, "lines": lines, "totals": summarize_stored(lines),
        "lapsed": quotation.has_lapsed(), "policy": policy,
        "can_edit": policy.can["edit"], "can_convert": policy.can["convert"],
        "convert_form": ConvertForm(workspace=request.workspace),
        "reject_form": RejectForm(),
        "activity": activity_for(quotation)[:50],
        "symbol": quotation.currency.symbol,
    })


def _run(request, pk, action, success):
    return run_action(request, action, success=success,
                      done=reverse("quotations:detail", args=[pk]))


@workspace_required(SELL)
@require_POST
def quotation_accept_view(request, pk):
    quotation = _get_quotation(request, pk)
    return _run(request, pk, lambda: services.quotation_accept(quotation=quotation,
                                                               actor=request.user),
                _("Quotation accepted."))


@workspace_required(SELL)
@require_POST
def quotation_reject_view(request, pk):
    quotation = _get_quotation(request, pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    return _run(request, pk, lambda: services.quotation_reject(
        quotation=quotation, actor=request.user, reason=reason), _("Quotation rejected."))


@workspace_required(SELL)
@require_POST
def quotation_convert_view(request, pk):
    quotation = _get_quotation(request, pk)
    form = ConvertForm(request.POST, workspace=request.workspace)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label}: {message}"
                               if field in form.fields else message)
        return redirect("quotations:detail", pk=pk)
    try:
        invoice = conversion.quotation_convert(quotation=quotation, actor=request.user,
                                             **form.service_kwargs())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("quotations:detail", pk=pk)
    messages.success(request, _("Invoice %(invoice)s issued from quotation %(quotation)s.")
                     % {"invoice": invoice.document_number, "quotation": quotation})
    return redirect("invoices:detail", pk=invoice.pk)


@workspace_required(SELL)
@require_POST
def quotation_delete_view(request, pk):
    quotation = _get_quotation(request, pk)
    return run_action(request, lambda: services.quotation_delete(quotation=quotation,
                                                                 actor=request.user),
                      success=_("Draft quotation deleted."), done=reverse("quotations:list"),
                      failed=reverse("quotations:detail", args=[pk]))


@workspace_required(READ)
def quotation_pdf(request, pk):
    from .pdf import quotation_pdf_response

    quotation = _get_quotation(request, pk)
    return quotation_pdf_response(quotation, inline=request.GET.get("download") != "1")
