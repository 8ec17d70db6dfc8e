"""The outreach panel on an invoice's or a quotation's page: send it, its customer link
("visto por el cliente" once opened), and its emails with their outcome. Three queries."""

from __future__ import annotations

from django.template.loader import render_to_string

from workspaces.authorization import allowed

from .documents import is_shareable, kind_of
from .forms import SendForm
from .models import DeliveryStatus, EmailDelivery, ShareLink
from .services import POLICIES, link_url, settings_for


def document_panel(request, document) -> str:
    if request is None:
        return ""
    kind = kind_of(document)
    user = request.user
    link = (ShareLink.objects.live().filter(workspace_id=document.workspace_id, kind=kind,
                                            document_id=document.pk).first()
            if is_shareable(document) else None)
    deliveries = list(EmailDelivery.objects.filter(
        workspace_id=document.workspace_id, kind=kind, document_id=document.pk)
        .select_related("outbox_message")[:10])
    for delivery in deliveries:
        pending = delivery.outbox_message
        delivery.retrying_error = (pending.last_error if pending is not None
                                   and delivery.status == DeliveryStatus.QUEUED else "")
    # The form shows when the role and the document's state allow a send (a draft invoice or
    # a closed quotation does not go out): the policy the service checks.
    can_send = allowed(user, document.workspace_id, "document_send") and \
        POLICIES[kind](document, user).refusal("send") is None
    form = SendForm(initial={"to": document.contact.email,
                             "message": settings_for(document.workspace_id).email_message}) \
        if can_send else None
    return render_to_string("outreach/panel.html", {
        "document": document, "kind": kind, "link": link,
        "link_url": request.build_absolute_uri(link_url(link)) if link else "",
        "shareable": is_shareable(document), "deliveries": deliveries, "form": form,
        "can_share": allowed(user, document.workspace_id, "share_link_manage"),
    }, request=request)
