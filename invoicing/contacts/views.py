"""Contact pages: list with search, create/edit, detail, (de)activate, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.errors import DomainError, InvalidInput
from invoicing.core.pages import add_form_errors, run_action
from invoicing.reports.lists import contacts_csv, wants_csv
from workspaces.decorators import workspace_required
from workspaces.roles import READ, SELL
from workspaces.services import activity_for

from . import services
from .forms import ContactForm
from .forms import ContactSearchForm as SearchForm
from .identity import format_tax_id, normalize_tax_id
from .models import Contact, RncRegistryEntry, TaxIdType
from .selectors import (
    contact_filter_kind,
    contact_search,
    contacts_sharing_tax_id,
    registry_entry,
)

PER_PAGE = 25


def _get_contact(request, pk) -> Contact:
    return get_object_or_404(Contact, pk=pk, workspace=request.workspace)


@workspace_required(READ)
def contact_list(request):
    search = SearchForm(request.GET or None)
    contacts = Contact.objects.for_workspace(request.workspace).order_by("name", "id")
    status = ""
    if search.is_valid():
        contacts = contact_search(contacts, search.cleaned_data["q"])
        if search.cleaned_data["kind"]:
            contacts = contact_filter_kind(contacts, search.cleaned_data["kind"])
        status = search.cleaned_data["status"]
    if status == "inactive":
        contacts = contacts.filter(is_active=False)
    elif status != "all":
        contacts = contacts.filter(is_active=True)
    if wants_csv(request):
        return contacts_csv(contacts)
    page = Paginator(contacts, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "contacts/contact_list.html", {
        "search": search, "page": page, "query": query.urlencode(),
    })


def _form_page(request, form, contact=None):
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


def _shared_tax_id_warning(others: list[Contact]) -> str:
    return _("Another contact has this tax ID: %(names)s. Check that it is not the same "
             "customer twice.") % {"names": ", ".join(c.name for c in others)}


def _warn_shared_tax_id(request, contact: Contact) -> None:
    others = contacts_sharing_tax_id(request.workspace, contact.tax_id_type, contact.tax_id,
                                     exclude_pk=contact.pk)
    if others:
        messages.warning(request, _shared_tax_id_warning(others))


@workspace_required(SELL)
def contact_create(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(workspace=request.workspace, actor=request.user,
                                              **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            _warn_shared_tax_id(request, contact)
            return redirect("contacts:detail", pk=contact.pk)
    return _form_page(request, form)


@workspace_required(SELL)
def contact_edit(request, pk):
    contact = _get_contact(request, pk)
    initial = {name: getattr(contact, name) for name in ContactForm.base_fields}
    initial["tax_id"] = contact.tax_id_display
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_update(contact=contact, actor=request.user,
                                              **form.cleaned_data)
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            _warn_shared_tax_id(request, contact)
            return redirect("contacts:detail", pk=contact.pk)
    return _form_page(request, form, contact)


@workspace_required(READ)
def contact_detail(request, pk):
    contact = _get_contact(request, pk)
    return render(request, "contacts/contact_detail.html", {
        "contact": contact,
        "activity": activity_for(contact)[:10],
        "offer_deactivate": request.GET.get("in_use") == "1" and contact.is_active,
    })


@workspace_required(SELL)
@require_POST
def contact_set_active(request, pk):
    contact = _get_contact(request, pk)
    active = request.POST.get("is_active") == "1"
    services.contact_set_active(contact=contact, actor=request.user, is_active=active)
    messages.success(request, _("Contact reactivated.") if active
                     else _("Contact deactivated: it no longer appears when choosing a "
                            "customer."))
    return redirect("contacts:detail", pk=contact.pk)


@workspace_required(SELL)
@require_POST
def contact_delete(request, pk):
    contact = _get_contact(request, pk)
    return run_action(
        request, lambda: services.contact_delete(contact=contact, actor=request.user),
        success=_("Contact %(name)s deleted.") % {"name": contact.name},
        done=reverse("contacts:list"),
        failed=reverse("contacts:detail", kwargs={"pk": contact.pk}) + "?in_use=1")


@workspace_required(SELL)
@require_POST
def check_tax_id(request):
    """htmx: the tax-id field's verdict as the user types, before anything is saved, with
    the taxpayer's entry in DGII's registry when there is one."""
    if not request.htmx:
        raise Http404
    tax_id_type = request.POST.get("tax_id_type", "")
    raw = request.POST.get("tax_id", "")
    context = {"error": None, "formatted": ""}
    if raw.strip() or tax_id_type == "none":
        try:
            value = normalize_tax_id(tax_id_type, raw)
        except InvalidInput as error:
            context["error"] = error.message
        else:
            context["formatted"] = format_tax_id(tax_id_type, value)
            if tax_id_type in (TaxIdType.RNC, TaxIdType.CEDULA):
                # DGII's registry: its name fills the form (static/js/app.js), and a
                # taxpayer that is not ACTIVO is worth a warning before invoicing it.
                context["registry"] = registry_entry(value)
                context["registry_loaded"] = (context["registry"] is not None
                                              or RncRegistryEntry.objects.exists())
                pk = request.POST.get("contact_pk", "")
                others = contacts_sharing_tax_id(request.workspace, tax_id_type, value,
                                                 exclude_pk=int(pk) if pk.isdigit() else None)
                context["shared"] = _shared_tax_id_warning(others) if others else ""
    return render(request, "contacts/_tax_id_check.html", context)
