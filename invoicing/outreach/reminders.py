"""Payment reminders (beat, daily): for each workspace that turned them on, each open invoice
gets at most one email per configured day offset (negative: days before the due date).

The claim is a row of `ReminderSent`, unique per (invoice, offset), inserted in the same
transaction as the email's outbox message: of two schedulers running at once one inserts it
and the other waits on the unique index and gets an IntegrityError, so it skips. A run that
comes late sends only the latest offset already due for each invoice and claims the ones it
passed over, so a customer never receives a burst of old reminders. Paid and cancelled
invoices are never reminded (only open statuses are read, and the status is checked again
under the invoice's row lock).
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from invoicing.invoices.models import OPEN_STATUSES, Invoice

from .models import DeliveryPurpose, OutreachSettings, ReminderSent
from .services import queue_delivery

log = logging.getLogger(__name__)


def _due_offset(due_date: datetime.date, days: list[int], today: datetime.date) -> int | None:
    """The latest offset whose day has come (due date + offset ≤ today), or None."""
    reached = [d for d in days if due_date + datetime.timedelta(days=d) <= today]
    return max(reached) if reached else None


def _remind(invoice_id: int, days: list[int], message: str, today: datetime.date) -> bool:
    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",), skip_locked=True)
                   .select_related("workspace", "contact", "document_subtype", "currency")
                   .filter(pk=invoice_id, status__in=OPEN_STATUSES).first())
        if invoice is None:  # paid or cancelled since, or being changed: next run
            return False
        offset = _due_offset(invoice.due_date, days, today)
        if offset is None:
            return False
        done = set(ReminderSent.objects.filter(invoice=invoice)
                   .values_list("offset_days", flat=True))
        if offset in done:
            return False
        skipped = [d for d in days if d < offset and d not in done]
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(
                    workspace_id=invoice.workspace_id, invoice=invoice, offset_days=offset,
                    due_date=invoice.due_date)
                ReminderSent.objects.bulk_create(
                    [ReminderSent(workspace_id=invoice.workspace_id, invoice=invoice,
                                  offset_days=d, due_date=invoice.due_date,
                                  note="skipped: a later reminder was due")
                     for d in skipped], ignore_conflicts=True)
        except IntegrityError:  # another scheduler claimed it
            return False
        email = invoice.contact.email
        if not email:
            claim.note = "no address"
            claim.save(update_fields=["note"])
            return False
        claim.delivery = queue_delivery(
            document=invoice, actor=None, to=[email], cc=[], message=message,
            purpose=DeliveryPurpose.REMINDER)
        claim.save(update_fields=["delivery"])
        return True


def reminders_run(*, today: datetime.date | None = None) -> int:
    """Send every reminder that is due; returns how many were queued."""
    today = today or timezone.localdate()
    sent = 0
    for chosen in OutreachSettings.objects.filter(reminders_enabled=True):
        days = chosen.days
        latest = today - datetime.timedelta(days=min(days))
        candidates = (Invoice.objects.filter(workspace_id=chosen.workspace_id,
                                             status__in=OPEN_STATUSES, due_date__lte=latest)
                      .exclude(reminders__offset_days=max(days))
                      .order_by("due_date", "pk").values_list("pk", flat=True))
        for pk in candidates:
            try:
                sent += _remind(pk, days, chosen.reminder_message, today)
            except Exception:
                log.exception("reminders: invoice %s failed", pk)
    return sent
