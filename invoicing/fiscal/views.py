"""Settings pages for taxes and document types (numbering series). Anyone in the workspace
may look; changes need the accountant role (FISCAL). Every change goes through a service."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors
from workspaces.decorators import workspace_required
from workspaces.roles import FISCAL, READ

from . import services
from .forms import RangeForm, SubtypeForm, TaxForm
from .models import DocumentSubtype, Tax
from .numbering import subtype_warnings
from .ranges import range_history
from .selectors import subtypes_for_list

SUBTYPE_FIELDS = list(SubtypeForm.base_fields)


# --- Document types ---------------------------------------------------------------------
@workspace_required(READ)
def subtype_list(request):
    today = timezone.localdate()
    rows = []
    for subtype in subtypes_for_list(request.workspace.pk):
        warnings = subtype_warnings(subtype, today)
        rows.append({
            "subtype": subtype,
            "warnings": warnings,
            "row_class": "row-bad" if any(w.blocking for w in warnings)
            else "row-warn" if warnings else "",
            "first": subtype.format_number(subtype.range_start)
            if subtype.range_start is not None else None,
            "last": subtype.format_number(subtype.range_end)
            if subtype.range_end is not None else None,
            "next": subtype.format_number(subtype.next_number),
            "ranges": [{**view.as_dict(),
                        "first": subtype.format_number(view.range_start),
                        "last": subtype.format_number(view.range_end)}
                       for view in range_history(subtype, today)],
        })
    return render(request, "fiscal/subtype_list.html", {"rows": rows})


def _changed(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


@workspace_required(FISCAL)
def subtype_create(request):
    form = SubtypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items()
                if value not in (None, "")}
        data["is_active"] = form.cleaned_data["is_active"]
        try:
            subtype = services.subtype_create(workspace=request.workspace, actor=request.user,
                                              **data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(subtype)s created.") % {"subtype": subtype})
            return redirect("fiscal:subtype_list")
    return render(request, "fiscal/subtype_form.html", {"form": form, "subtype": None})


@workspace_required(FISCAL)
def subtype_edit(request, pk):
    subtype = get_object_or_404(DocumentSubtype, pk=pk, workspace=request.workspace)
    initial = {name: getattr(subtype, name) for name in SUBTYPE_FIELDS}
    form = SubtypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = _changed(form, SUBTYPE_FIELDS)
        try:
            subtype = services.subtype_update(subtype=subtype, actor=request.user, **changed)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(subtype)s saved.") % {"subtype": subtype})
            return redirect("fiscal:subtype_list")
    return render(request, "fiscal/subtype_form.html", {"form": form, "subtype": subtype})


@workspace_required(FISCAL)
def subtype_range(request, pk):
    subtype = get_object_or_404(DocumentSubtype.objects.prefetch_related("ranges"), pk=pk,
                                workspace=request.workspace, ncf_type__isnull=False)
    form = RangeForm(request.POST or None, subtype=subtype)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.subtype_add_range(subtype=subtype, actor=request.user,
                                               **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            current = added.subtype.range_start == added.range_start
            messages.success(request, (
                _("New range entered for %(subtype)s: %(first)s to %(last)s.") if current else
                _("New range entered for %(subtype)s: %(first)s to %(last)s. It takes over "
                  "when the current range is used up or expires."))
                % {"subtype": added.subtype,
                   "first": added.subtype.format_number(added.range_start),
                   "last": added.subtype.format_number(added.range_end)})
            return redirect("fiscal:subtype_list")
    today = timezone.localdate()
    return render(request, "fiscal/subtype_range.html", {
        "form": form, "subtype": subtype, "example_ncf": subtype.format_number(101),
        "warnings": subtype_warnings(subtype, today),
        "ranges": [{**view.as_dict(), "first": subtype.format_number(view.range_start),
                    "last": subtype.format_number(view.range_end)}
                   for view in range_history(subtype, today)],
    })


@workspace_required(FISCAL)
@require_POST
def subtype_delete(request, pk):
    subtype = get_object_or_404(DocumentSubtype, pk=pk, workspace=request.workspace)
    try:
        services.subtype_delete(subtype=subtype, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("fiscal:subtype_edit", pk=subtype.pk)
    messages.success(request, _("%(subtype)s deleted.") % {"subtype": subtype})
    return redirect("fiscal:subtype_list")


# --- Taxes ------------------------------------------------------------------------------
@workspace_required(READ)
def tax_list(request):
    taxes = Tax.objects.filter(workspace=request.workspace)
    return render(request, "fiscal/tax_list.html", {"taxes": taxes})


@workspace_required(FISCAL)
def tax_create(request):
    form = TaxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tax = services.tax_create(workspace=request.workspace, actor=request.user,
                                      **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(tax)s created.") % {"tax": tax})
            return redirect("fiscal:tax_list")
    return render(request, "fiscal/tax_form.html", {"form": form, "tax": None})


@workspace_required(FISCAL)
def tax_edit(request, pk):
    tax = get_object_or_404(Tax, pk=pk, workspace=request.workspace)
    initial = {name: getattr(tax, name) for name in TaxForm.base_fields}
    form = TaxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tax = services.tax_update(tax=tax, actor=request.user,
                                      **_changed(form, TaxForm.base_fields))
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(tax)s saved.") % {"tax": tax})
            return redirect("fiscal:tax_list")
    return render(request, "fiscal/tax_form.html", {"form": form, "tax": tax})


@workspace_required(FISCAL)
@require_POST
def tax_delete(request, pk):
    tax = get_object_or_404(Tax, pk=pk, workspace=request.workspace)
    try:
        services.tax_delete(tax=tax, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("fiscal:tax_edit", pk=tax.pk)
    messages.success(request, _("%(tax)s deleted.") % {"tax": tax})
    return redirect("fiscal:tax_list")
