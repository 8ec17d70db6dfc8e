"""Every write of outreach: sending a document, its customer link, the workspace's choices.
Each checks its actor against the role table and writes its activity in its transaction; the
email itself goes out through the outbox once the transaction commits."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.errors import InvalidInput
from invoicing.documents.policies import InvoicePolicy, NotePolicy, QuotationPolicy
from invoicing.quotations.services import quotation_send
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .documents import is_shareable, kind_of
from .mail import default_subject
from .models import (
    DeliveryPurpose,
    DocumentKind,
    EmailDelivery,
    Language,
    OutreachSettings,
    ShareLink,
)

EMAIL_TOPIC = "outreach.email"
MAX_RECIPIENTS = 20


def settings_for(workspace_id: int) -> OutreachSettings:
    found = OutreachSettings.objects.filter(workspace_id=workspace_id).first()
    return found or OutreachSettings(workspace_id=workspace_id)


def _addresses(values: Iterable[str] | str | None, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",")]
    found = []
    for index, value in enumerate(values):
        value = str(value).strip()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput(_("%(value)s is not an email address.") % {"value": value},
                               field=f"{field}.{index}") from None
        if value.lower() not in {f.lower() for f in found}:
            found.append(value)
    if len(found) > MAX_RECIPIENTS:
        raise InvalidInput(_("At most %(n)s addresses.") % {"n": MAX_RECIPIENTS}, field=field)
    return found


POLICIES = {DocumentKind.INVOICE: InvoicePolicy, DocumentKind.QUOTATION: QuotationPolicy,
            DocumentKind.CREDIT_NOTE: NotePolicy, DocumentKind.DEBIT_NOTE: NotePolicy}


def _check_sendable(document, actor) -> None:
    POLICIES[kind_of(document)](document, actor).check("send")


def _mark_quotation_sent(document, actor) -> None:
    """Emailing a draft quotation is what sends it (API.md Quotations: `draft` → `sent`), in
    the transaction that queues the email; a sent or accepted one keeps its status."""
    if kind_of(document) == DocumentKind.QUOTATION and document.status == "draft":
        quotation_send(quotation=document, actor=actor)


def link_url(link: ShareLink, base_url: str = "") -> str:
    base = (base_url or settings.SITE_URL or "").rstrip("/")
    return f"{base}{reverse('outreach:public', args=[link.token])}"


def queue_delivery(*, document, actor: Any, to: list[str], cc: list[str], message: str,
                   purpose: str, subject: str = "", base_url: str = "") -> EmailDelivery:
    """Record one email of `document` and its outbox message (inside the caller's
    transaction); the handler sends it after commit."""
    chosen = settings_for(document.workspace_id)
    language = chosen.language or Language.SPANISH
    kind = kind_of(document)
    link = share_link_ensure(document=document, actor=actor) if is_shareable(document) else None
    url = link_url(link, base_url) if link else ""
    delivery = EmailDelivery.objects.create(
        workspace_id=document.workspace_id, kind=kind, document_id=document.pk,
        purpose=purpose, to=to, cc=cc, language=language,
        subject=(subject or default_subject(document, kind, language, purpose))[:300],
        message=message if message is not None else "",
        link_url=url if url.startswith(("https://", "http://")) else "",  # absolute only
        created_by=actor if getattr(actor, "pk", None) else None)
    delivery.outbox_message = outbox.enqueue(EMAIL_TOPIC, {"delivery_id": delivery.pk},
                                             workspace_id=document.workspace_id)
    delivery.save(update_fields=["outbox_message"])
    activity_record(workspace=document.workspace, actor=actor, verb="email_queued",
                    target=document,
                    description=_("Email to %(to)s queued") % {"to": ", ".join(to + cc)},
                    data={"delivery_id": delivery.pk, "to": to, "cc": cc,
                          "purpose": purpose})
    return delivery


@requires("document_send")
@transaction.atomic
def document_send(*, document, actor: Any, to: Iterable[str] | str | None = None,
                  cc: Iterable[str] | str | None = None, message: str | None = None,
                  base_url: str = "") -> EmailDelivery:
    """Email an issued invoice, a quotation or a note to its customer (the contact's email
    unless `to` says otherwise): 400 `to` without any address. A draft quotation becomes
    sent; a closed one (rejected, expired, invoiced) and a draft invoice are 409."""
    document = type(document).objects.select_for_update(of=("self",)).select_related(
        "workspace", "contact", "document_subtype").get(pk=document.pk)
    _check_sendable(document, actor)
    recipients = _addresses(to, "to") or _addresses([document.contact.email], "to")
    copies = [c for c in _addresses(cc, "cc") if c.lower() not in
              {r.lower() for r in recipients}]
    if not recipients:
        raise InvalidInput(_("Give at least one address: the customer has no email."),
                           field="to")
    if message is None:
        message = settings_for(document.workspace_id).email_message
    _mark_quotation_sent(document, actor)
    return queue_delivery(document=document, actor=actor, to=recipients, cc=copies,
                          message=message, purpose=DeliveryPurpose.SEND, base_url=base_url)


# --- Customer links -------------------------------------------------------------------------


def _new_link(document, actor: Any) -> ShareLink:
    chosen = settings_for(document.workspace_id)
    expires = None
    if chosen.link_lifetime_days:
        expires = timezone.now() + datetime.timedelta(days=chosen.link_lifetime_days)
    return ShareLink(workspace_id=document.workspace_id, kind=kind_of(document),
                     document_id=document.pk, token=secrets.token_urlsafe(32),
                     created_by=actor if getattr(actor, "pk", None) else None,
                     expires_at=expires)


def share_link_ensure(*, document, actor: Any = None) -> ShareLink:
    """The document's live link, made on first request. Two concurrent first requests make
    one link (the partial unique constraint; the loser reads the winner's)."""
    kind = kind_of(document)
    mine = ShareLink.objects.filter(kind=kind, document_id=document.pk,
                                    workspace_id=document.workspace_id)
    live = mine.live().first()
    if live is not None:
        return live
    if not is_shareable(document):
        from invoicing.core.errors import Conflict

        raise Conflict(_("Issue the invoice before sharing it."), code="invoice_is_draft")
    now = timezone.now()
    mine.filter(revoked_at__isnull=True, expires_at__lte=now).update(revoked_at=now)
    link = _new_link(document, actor)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        return mine.filter(revoked_at__isnull=True).get()
    activity_record(workspace=document.workspace, actor=actor, verb="link_created",
                    target=document, description=_("Customer link created"))
    return link


@requires("share_link_manage")
@transaction.atomic
def share_link_get(*, document, actor: Any) -> ShareLink:
    return share_link_ensure(document=document, actor=actor)


@requires("share_link_manage")
@transaction.atomic
def share_link_revoke(*, document, actor: Any) -> int:
    """Kill the document's link: its URL answers 404 from now on."""
    revoked = ShareLink.objects.filter(
        workspace_id=document.workspace_id, kind=kind_of(document), document_id=document.pk,
        revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        activity_record(workspace=document.workspace, actor=actor, verb="link_revoked",
                        target=document, description=_("Customer link revoked"))
    return revoked


def share_link_viewed(*, link: ShareLink, document) -> bool:
    """Record the first view: a compare-and-set, so of concurrent first views one records
    it (and its activity entry)."""
    with transaction.atomic():
        now = timezone.now()
        first = ShareLink.objects.filter(pk=link.pk, first_viewed_at__isnull=True) \
            .update(first_viewed_at=now)
        if first:
            link.first_viewed_at = now
            activity_record(workspace=document.workspace, actor=None, verb="viewed",
                            target=document, description=_("Viewed by the customer"))
        return bool(first)


# --- The workspace's choices ----------------------------------------------------------------

SETTINGS_FIELDS = ("language", "email_message", "link_lifetime_days", "reminders_enabled",
                   "reminder_days", "reminder_message")


@requires("workspace_update")
@transaction.atomic
def outreach_settings_update(*, workspace: Workspace, actor: Any,
                             **changes: Any) -> OutreachSettings:
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "reminder_days" in changes:
        days = changes["reminder_days"] or []
        if not all(isinstance(d, int) and -60 <= d <= 365 for d in days) or len(days) > 10:
            raise InvalidInput(_("Reminder days are whole numbers from -60 to 365 (at most "
                                 "10)."), field="reminder_days")
        changes["reminder_days"] = sorted(set(days))
    if changes.get("language") not in (None, *Language.values):
        raise InvalidInput(_("Choose es or en."), field="language")
    chosen, _created = OutreachSettings.objects.select_for_update().get_or_create(
        workspace=workspace)
    for name, value in changes.items():
        setattr(chosen, name, value if value is not None or name == "link_lifetime_days"
                else getattr(chosen, name))
    chosen.save()
    activity_record(workspace=workspace, actor=actor, verb="updated", target=chosen,
                    description=_("Customer outreach settings changed"),
                    data={"fields": sorted(changes)})
    return chosen
