"""Spanish names for the fields that models leave to Django's default (the field's name, in
English): the admin's columns, filters and forms read `verbose_name`, so without these a
Spanish page shows "Workspace", "Created at" or "Stock revision".

The same few dozen field names recur across some forty models, so they are named once here
rather than in every model. A field that declares its own `verbose_name` keeps it. Only the
label is set (`verbose_name`, not the constructor's `_verbose_name` that migrations record):
labels are not schema, and no app needs a migration for them.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "workspace": _("workspace"), "created_at": _("created at"),
    "created_by": _("created by"), "updated_at": _("updated at"), "user": _("user"),
    "actor": _("actor"), "currency": _("currency"), "contact": _("contact"),
    "product": _("product"), "invoice": _("invoice"), "quotation": _("quotation"),
    "note": _("note"), "payment": _("payment"), "position": _("position"),
    "taxes": _("taxes"), "items": _("items"), "invoice_line": _("invoice line"),
    "debit_line": _("debit line"), "data": _("data"), "target_type": _("target type"),
    "target_id": _("target id"), "key_hash": _("key hash"), "search_text": _("search text"),
    "import_run": _("import run"), "source_key": _("source key"),
    "buyer_tax_id_type": _("buyer tax id type"), "sequence_number": _("sequence number"),
    "stock_revision": _("stock revision"),
    "stock_synced_revision": _("stock synced revision"),
    "certificate_der": _("certificate der"), "sealed_key": _("sealed key"),
    "document_kind": _("document kind"), "document_id": _("document id"),
    "document_label": _("document label"), "ecf_type": _("ecf type"), "rnc": _("rnc"),
    "environment": _("environment"), "file_name": _("file name"), "xml": _("xml"),
    "summary_xml": _("summary xml"), "qr_url": _("qr url"), "messages": _("messages"),
    "sequence_used": _("sequence used"), "number_voided_at": _("number voided at"),
    "waiting_since": _("waiting since"), "polls": _("polls"),
    "replaced_by_document_id": _("replaced by document id"),
    "replaces_document_id": _("replaces document id"), "kind": _("kind"),
    "purpose": _("purpose"), "to": _("to"), "cc": _("cc"), "subject": _("subject"),
    "message": _("message"), "language": _("language"), "status": _("status"),
    "link_url": _("link url"), "attachments": _("attachments"), "last_error": _("last error"),
    "outbox_message": _("outbox message"), "sent_at": _("sent at"), "token": _("token"),
    "expires_at": _("expires at"), "revoked_at": _("revoked at"),
    "first_viewed_at": _("first viewed at"), "offset_days": _("offset days"),
    "due_date": _("due date"), "delivery": _("delivery"), "periods_done": _("periods done"),
    "template": _("template"), "period": _("period"), "period_date": _("period date"),
    "secret_encrypted": _("secret encrypted"), "endpoint": _("endpoint"), "event": _("event"),
}


def name_default_fields() -> None:
    """Give every field left to the default label its Spanish name (CoreConfig.ready)."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and getattr(field, "_verbose_name", 0) is None \
                    and field.name in FIELD_LABELS:
                field.verbose_name = FIELD_LABELS[field.name]
