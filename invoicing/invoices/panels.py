"""The invoices panel on a contact's page: what the customer owes (in the workspace
currency, each invoice at its fixed rate), how much of it is overdue, and its latest
invoices. Two queries whatever the number of invoices."""

from __future__ import annotations

from django.db.models import Count, DecimalField, F, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from invoicing.core.money import quantize_money

from .models import OPEN_STATUSES, Invoice

LATEST = 10


def contact_panel(request, contact) -> str:
    invoices = Invoice.objects.for_workspace(contact.workspace_id).filter(contact=contact)
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(due_date__lt=timezone.localdate())
    # What each open invoice still owes (its amount due), in the workspace currency.
    due = (F("total_amount") + F("debited_amount") - F("credited_amount") - F("amount_paid")
           + F("credited_to_balance")) * F("exchange_rate")
    money = DecimalField(max_digits=20, decimal_places=2)
    figures = invoices.aggregate(
        balance=Sum(due, filter=open_q, output_field=money),
        overdue=Sum(due, filter=overdue_q, output_field=money),
        count=Count("id"), open_count=Count("id", filter=open_q),
    )
    latest = list(invoices.select_related("currency", "contact")
                  .order_by("-issue_date", "-id")[:LATEST])
    return render_to_string("invoices/contact_panel.html", {
        "contact": contact, "invoices": latest, "count": figures["count"],
        "open_count": figures["open_count"],
        "balance": quantize_money(figures["balance"] or 0),
        "overdue": quantize_money(figures["overdue"] or 0),
    }, request=request)
