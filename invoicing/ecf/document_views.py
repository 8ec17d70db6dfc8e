"""The e-CF actions on the document pages: download the signed XML, "reintentar envío"."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicing.core.pages import run_action
from workspaces.decorators import workspace_required
from workspaces.roles import READ

from . import services
from .models import EcfRecord
from .notes import NOTE_KINDS  # one notes table: a note's id names one record


def _record(request, kind: str | tuple[str, ...], pk: int) -> EcfRecord:
    kinds = (kind,) if isinstance(kind, str) else kind
    record = EcfRecord.objects.filter(workspace_id=request.workspace.pk,
                                      document_kind__in=kinds, document_id=pk).first()
    if record is None:
        raise Http404
    return record


@workspace_required(READ)
def invoice_xml(request, pk):
    record = _record(request, "invoice", pk)
    response = HttpResponse(bytes(record.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{record.file_name}"'
    return response


@workspace_required("ecf_retry")
@require_POST
def invoice_retry(request, pk):
    record = _record(request, "invoice", pk)
    return run_action(request, lambda: services.ecf_retry(record=record, actor=request.user),
                      success=_("Sending to DGII again."),
                      done=reverse("invoices:detail", args=[pk]))


@workspace_required(READ)
def note_xml(request, pk):
    """A credit or debit note's signed XML."""
    record = _record(request, NOTE_KINDS, pk)
    response = HttpResponse(bytes(record.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{record.file_name}"'
    return response


@workspace_required("ecf_retry")
@require_POST
def note_retry(request, pk):
    record = _record(request, NOTE_KINDS, pk)
    return run_action(request, lambda: services.ecf_retry(record=record, actor=request.user),
                      success=_("Sending to DGII again."),
                      done=reverse("notes:detail", args=[pk]))


@workspace_required("invoice_reissue")
@require_POST
def invoice_reissue(request, pk):
    from django.contrib import messages
    from django.shortcuts import redirect

    from invoicing.core.errors import DomainError
    from invoicing.invoices.models import Invoice

    from .reissue import invoice_reissue as reissue

    _record(request, "invoice", pk)
    try:
        new = reissue(invoice=Invoice.objects.get(pk=pk), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("invoices:detail", pk)
    messages.success(request, _("Issued again as %(number)s.") % {"number": new.document_number})
    return redirect("invoices:detail", new.pk)


@workspace_required("ecf_void_range")
@require_POST
def numbers_void(request):
    from .voiding import ecf_numbers_void

    def run():
        try:
            last = int(request.POST.get("last", ""))
        except ValueError:
            from invoicing.core.errors import InvalidInput

            raise InvalidInput(_("Enter the last number to void."), field="last") from None
        ecf_numbers_void(workspace=request.workspace, actor=request.user,
                         ncf_type=request.POST.get("ncf_type", ""), last=last)

    return run_action(request, run, success=_("The numbers are voided; DGII receives the "
                                              "ANECF in the background."),
                      done=reverse("ecf:settings"))
