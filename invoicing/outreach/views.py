"""Staff pages of outreach: send a document, its customer link, recurring invoices and the
workspace's choices. Each POST calls the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.contacts.models import Contact
from invoicing.core.errors import DomainError
from invoicing.core.pages import add_form_errors, run_action
from invoicing.fiscal.models import DocumentSubtype, DocumentType, Tax
from workspaces.decorators import workspace_required

from . import recurring, services
from .documents import KINDS
from .forms import OutreachSettingsForm, RecurringForm, SendForm
from .models import RecurringInvoice
from .selectors import recurring_page


def _document(request, kind: str, pk: int):
    entry = KINDS.get(kind)
    document = entry.get(request.workspace.pk, pk) if entry else None
    if document is None:
        raise Http404
    return document, entry.page_url(document)


@workspace_required("document_send")
@require_POST
def send_view(request, kind, pk):
    document, back = _document(request, kind, pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give at least one address."))
        return redirect(back)
    data = form.cleaned_data
    return run_action(request, lambda: services.document_send(
        document=document, actor=request.user, to=data["to"], cc=data["cc"],
        message=data["message"], base_url=request.build_absolute_uri("/")),
        success=_("Sending it: the email goes out in a moment."), done=back)


@workspace_required("share_link_manage")
@require_POST
def share_view(request, kind, pk):
    document, back = _document(request, kind, pk)
    return run_action(request, lambda: services.share_link_get(document=document,
                                                               actor=request.user),
                      success=_("Customer link ready."), done=back)


@workspace_required("share_link_manage")
@require_POST
def share_revoke_view(request, kind, pk):
    document, back = _document(request, kind, pk)
    return run_action(request, lambda: services.share_link_revoke(document=document,
                                                                  actor=request.user),
                      success=_("Customer link revoked."), done=back)


# --- Recurring invoices ---------------------------------------------------------------------


@workspace_required("read")
def recurring_list(request):
    return render(request, "outreach/recurring_list.html",
                  {"templates": recurring_page(request.workspace)})


def _recurring_form(request, data=None, initial=None):
    workspace = request.workspace
    return RecurringForm(
        data, initial=initial,
        contacts=Contact.objects.filter(workspace=workspace, is_active=True).order_by("name"),
        subtypes=DocumentSubtype.objects.filter(workspace=workspace,
                                                document_type=DocumentType.INVOICE),
        taxes=Tax.objects.filter(workspace=workspace))


def _initial(template: RecurringInvoice) -> dict:
    item = (template.items or [{}])[0]
    taxes = item.get("tax_ids") or []
    return {"contact": template.contact_id, "document_subtype": template.document_subtype_id,
            "frequency": template.frequency, "interval": template.interval,
            "start_date": template.start_date, "end_date": template.end_date,
            "mode": template.mode, "send": template.send, "notes": template.notes,
            "description": item.get("description", ""), "quantity": item.get("quantity", 1),
            "unit_price": item.get("unit_price", ""), "tax": taxes[0] if taxes else ""}


@workspace_required("recurring_invoice_manage")
def recurring_edit(request, pk=None):
    template = None
    if pk is not None:
        template = RecurringInvoice.objects.filter(workspace=request.workspace, pk=pk) \
            .select_related("contact").first()
        if template is None:
            raise Http404
    if request.method == "POST":
        form = _recurring_form(request, request.POST)
        if form.is_valid():
            try:
                if template is None:
                    template = recurring.recurring_create(
                        workspace=request.workspace, actor=request.user,
                        **form.service_fields())
                else:
                    fields = form.service_fields()
                    if len(template.items) > 1:  # the page edits one line; keep the others
                        fields["items"] = fields["items"] + template.items[1:]
                    recurring.recurring_update(template=template, actor=request.user,
                                               **fields)
            except DomainError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Recurring invoice saved."))
                return redirect("outreach:recurring_list")
    else:
        form = _recurring_form(request, initial=_initial(template) if template else None)
    runs = list(template.runs.select_related("invoice")) if template else []
    return render(request, "outreach/recurring_form.html",
                  {"form": form, "template": template, "runs": runs})


@workspace_required("recurring_invoice_manage")
@require_POST
def recurring_toggle(request, pk):
    template = RecurringInvoice.objects.filter(workspace=request.workspace, pk=pk).first()
    if template is None:
        raise Http404
    active = not template.is_active
    return run_action(request, lambda: recurring.recurring_set_active(
        template=template, actor=request.user, active=active),
        success=_("Resumed.") if active else _("Paused."),
        done=reverse("outreach:recurring_list"))


# --- Settings -------------------------------------------------------------------------------


@workspace_required("workspace_update")
def settings_view(request):
    current = services.settings_for(request.workspace.pk)
    form = OutreachSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.outreach_settings_update(
                workspace=request.workspace, actor=request.user,
                **{name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS})
        except DomainError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("outreach:settings")
    return render(request, "outreach/settings.html", {"form": form})
