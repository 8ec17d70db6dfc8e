"""The email of one delivery: subject, plain text and HTML in the workspace's language, the PDF
and any extra attachment, sent through Django's email backend (SMTP from the environment)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from invoicing.documents.pdf.format import date_text

from .documents import KINDS, document_pdf, extra_attachments
from .models import DeliveryPurpose, EmailDelivery


def document_label(document, kind: str, language: str) -> str:
    entry = KINDS[kind]
    title = entry.title_en if language == "en" else entry.title_es
    return f"{title} {document.document_number or ''}".strip()


def default_subject(document, kind: str, language: str,
                    purpose: str = DeliveryPurpose.SEND) -> str:
    label = document_label(document, kind, language)
    with translation.override(language):
        if purpose == DeliveryPurpose.REMINDER:
            return _("Payment reminder: %(document)s from %(issuer)s") % {
                "document": label, "issuer": document.workspace.name}
        return _("%(document)s from %(issuer)s") % {"document": label,
                                                    "issuer": document.workspace.name}


def build_message(delivery: EmailDelivery, document, *, link_url: str = "") -> \
        EmailMultiAlternatives:
    """The email, attachments included. Raises `outbox.RetryLater` (from an attachment
    provider) while something that must go with it is not ready."""
    kind = delivery.kind
    pdf = document_pdf(document)
    files = [(pdf.filename, pdf.content, "application/pdf"), *extra_attachments(document)]
    context = {
        "document": document, "label": document_label(document, kind, delivery.language),
        "message": delivery.message, "workspace": document.workspace, "link_url": link_url,
        "due_date": date_text(document.due_date) if getattr(document, "due_date", None)
        else "",
        "reminder": delivery.purpose == DeliveryPurpose.REMINDER,
    }
    with translation.override(delivery.language):
        text = render_to_string("outreach/email.txt", context)
        html = render_to_string("outreach/email.html", context)
    workspace = document.workspace
    email = EmailMultiAlternatives(
        subject=delivery.subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(delivery.to), cc=list(delivery.cc),
        reply_to=[workspace.email] if workspace.email else None,
        connection=get_connection(fail_silently=False))
    email.attach_alternative(html, "text/html")
    for name, content, mimetype in files:
        email.attach(name, content, mimetype)
    return email
