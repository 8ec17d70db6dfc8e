"""The e-CF on the document pages (invoices and notes): `{% ecf_panel invoice %}` on the
detail (status, DGII's messages, the security code, retry and XML download), `{% ecf_records
invoices as ecf %}` once per list page (one query) and `{% ecf_badge ecf invoice %}` per row."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from ..models import EcfRecord, EcfStatus

register = template.Library()
BADGE = {EcfStatus.SIGNED: "warn", EcfStatus.SENT: "sent", EcfStatus.ACCEPTED: "accepted",
         EcfStatus.ACCEPTED_CONDITIONAL: "accepted", EcfStatus.REJECTED: "rejected",
         EcfStatus.VOIDED: "cancelled"}


def _kind(document) -> str:
    return getattr(document, "ecf_document_kind", None) or document._meta.model_name


@register.simple_tag(takes_context=True)
def ecf_panel(context, document) -> str:
    record = EcfRecord.objects.filter(document_kind=_kind(document),
                                      document_id=document.pk).defer("xml",
                                                                     "summary_xml").first()
    if record is None:
        return ""
    can = context.get("can")
    return render_to_string("ecf/document_panel.html", {
        "record": record, "document": document, "badge": BADGE[record.status],
        "can_retry": can is not None and bool(can["ecf_retry"])
        and record.status in (EcfStatus.SIGNED, EcfStatus.SENT),
        "kind": _kind(document),
        "can_reissue": can is not None and bool(can["invoice_reissue"])
        and record.status == EcfStatus.REJECTED and not record.replaced_by_document_id
        and document.status != "cancelled",
    }, request=context.get("request"))


@register.simple_tag
def ecf_records(documents) -> dict:
    documents = list(documents)
    if not documents:
        return {}
    # A note list mixes credit and debit notes; their ids are one table's, so unique.
    return {r.document_id: r for r in EcfRecord.objects.filter(
        document_kind__in={_kind(d) for d in documents},
        document_id__in=[d.pk for d in documents]).only("document_id", "status", "encf")}


@register.simple_tag
def ecf_badge(records, document) -> str:
    record = (records or {}).get(document.pk)
    if record is None:
        return ""
    return format_html('<span class="badge badge-{}" data-testid="ecf-status" title="e-CF">'
                       'e-CF: {}</span>', BADGE[record.status], record.get_status_display())
