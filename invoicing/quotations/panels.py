"""The quotations panel on a contact's page: the customer's latest quotations. One query."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import Quotation

LATEST = 5


def contact_panel(request, contact) -> str:
    quotations = list(Quotation.objects.for_workspace(contact.workspace_id)
                      .filter(contact=contact).select_related("currency", "contact")
                      .order_by("-issue_date", "-id")[:LATEST])
    if not quotations:
        return ""
    return render_to_string("quotations/contact_panel.html", {
        "contact": contact, "quotations": quotations}, request=request)
