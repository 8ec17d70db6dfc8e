"""Recurring invoices: templates that bill a customer every period, and the beat job that
invoices each period once.

Each period is a `RecurringRun` row, unique per (template, period), written in the same
transaction as the invoice it made; the template row is taken with `SELECT … FOR UPDATE SKIP
LOCKED`, so two schedulers never work on one template at once and the unique row is the
backstop. A run that comes late invoices every period it missed, each dated the day it runs
(numbers and dates stay in order), each once. The invoice is made by `invoice_create`, the
same service as any other (numbered by the allocator, stock and PDF through the outbox).
"""

from __future__ import annotations

import calendar
import datetime
import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.errors import DomainError, InvalidInput
from invoicing.documents import pricing as line_pricing
from invoicing.documents.lookups import (
    check_date,
    contact_in_workspace,
    currency_in_workspace,
    subtype_in_workspace,
)
from invoicing.fiscal.models import DocumentType
from invoicing.invoices.services import invoice_create
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import DeliveryPurpose, Frequency, RecurringInvoice, RecurringMode, RecurringRun

log = logging.getLogger(__name__)
ADMIN_TOPIC = "outreach.recurring_failed"


def period_date(start: datetime.date, frequency: str, interval: int, n: int) -> datetime.date:
    """The n-th period's date counted from `start` (a monthly 31st runs on the last day of
    shorter months, and back on the 31st after them)."""
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(weeks=interval * n)
    months = interval * n * (12 if frequency == Frequency.YEARLY else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _json_items(items) -> list[dict]:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value
    numbers = {"quantity", "unit_price", "discount"}
    return [{k: str(v) if k in numbers and v is not None else plain(v)
             for k, v in dict(item).items()} for item in items or []]


FIELDS = ("contact_id", "document_subtype_id", "currency_id", "items", "payment_term", "notes",
          "frequency", "interval", "start_date", "end_date", "mode", "send")


def _apply(template: RecurringInvoice, workspace: Workspace, changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "contact_id" in changes:
        template.contact = contact_in_workspace(workspace, changes["contact_id"])
    if "document_subtype_id" in changes:
        template.document_subtype = subtype_in_workspace(
            workspace, changes["document_subtype_id"], document_types=(DocumentType.INVOICE,))
    if "currency_id" in changes:
        template.currency = currency_in_workspace(workspace, changes["currency_id"]) \
            if changes["currency_id"] is not None else None
    for name in ("payment_term", "notes"):
        if name in changes:
            setattr(template, name, changes[name] or "")
    if changes.get("frequency") is not None:
        if changes["frequency"] not in Frequency.values:
            raise InvalidInput(_("Use weekly, monthly or yearly."), field="frequency")
        template.frequency = changes["frequency"]
    if changes.get("interval") is not None:
        interval = changes["interval"]
        if not isinstance(interval, int) or not 1 <= interval <= 36:
            raise InvalidInput(_("Every 1 to 36 periods."), field="interval")
        template.interval = interval
    if changes.get("mode") is not None:
        if changes["mode"] not in RecurringMode.values:
            raise InvalidInput(_("Use draft or issued."), field="mode")
        template.mode = changes["mode"]
    if changes.get("send") is not None:
        template.send = bool(changes["send"])
    if changes.get("start_date") is not None:
        check_date(changes["start_date"], "start_date")
        if template.pk and template.periods_done \
                and changes["start_date"] != template.start_date:
            raise InvalidInput(_("The start cannot change once a period was invoiced."),
                               field="start_date")
        template.start_date = changes["start_date"]
    if "end_date" in changes:
        check_date(changes["end_date"], "end_date")
        template.end_date = changes["end_date"]
    if template.end_date and template.end_date < template.start_date:
        raise InvalidInput(_("The end cannot be before the start."), field="end_date")
    if "items" in changes:
        template.items = _json_items(changes["items"])
    line_pricing.resolve_lines(workspace_id=workspace.pk, items=template.items,
                               fiscal=template.document_subtype.is_fiscal
                               and template.mode == RecurringMode.ISSUED)
    template.next_date = period_date(template.start_date, template.frequency, template.interval,
                                     template.periods_done)


@requires("recurring_invoice_manage")
@transaction.atomic
def recurring_create(*, workspace: Workspace, actor: Any, **fields: Any) -> RecurringInvoice:
    for name in ("contact_id", "document_subtype_id", "items"):
        if fields.get(name) in (None, []):
            raise InvalidInput(_("This field is required."), field=name)
    fields.setdefault("start_date", timezone.localdate())
    template = RecurringInvoice(workspace=workspace,
                                created_by=actor if getattr(actor, "pk", None) else None)
    _apply(template, workspace, fields)
    template.save()
    activity_record(workspace=workspace, actor=actor, verb="created", target=template,
                    description=_("Recurring invoice created"))
    return template


def _lock(template: RecurringInvoice) -> RecurringInvoice:
    return (RecurringInvoice.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact", "document_subtype").get(pk=template.pk))


@requires("recurring_invoice_manage")
@transaction.atomic
def recurring_update(*, template: RecurringInvoice, actor: Any,
                     **changes: Any) -> RecurringInvoice:
    template = _lock(template)
    _apply(template, template.workspace, changes)
    template.save()
    activity_record(workspace=template.workspace, actor=actor, verb="updated", target=template,
                    description=_("Recurring invoice changed"), data={"fields": sorted(changes)})
    return template


@requires("recurring_invoice_manage")
@transaction.atomic
def recurring_set_active(*, template: RecurringInvoice, actor: Any,
                         active: bool) -> RecurringInvoice:
    """Pause or resume. A resumed template invoices the periods it missed on its next run."""
    template = _lock(template)
    template.is_active = active
    template.save(update_fields=["is_active", "updated_at"])
    activity_record(workspace=template.workspace, actor=actor,
                    verb="resumed" if active else "paused", target=template,
                    description=_("Resumed") if active else _("Paused"))
    return template


@requires("recurring_invoice_manage")
@transaction.atomic
def recurring_delete(*, template: RecurringInvoice, actor: Any) -> None:
    template = _lock(template)
    activity_record(workspace=template.workspace, actor=actor, verb="deleted", target=template,
                    description=_("Recurring invoice deleted"))
    template.delete()


# --- The scheduled job ----------------------------------------------------------------------


def _due(today: datetime.date):
    return RecurringInvoice.objects.filter(is_active=True, next_date__lte=today)


def _invoice_period(template: RecurringInvoice, today: datetime.date) -> int | None:
    """Invoice the template's next period (its own transaction): 1 when an invoice was made,
    0 when the period had been invoiced already (the counter moves on), None when nothing is
    due, another process holds the template, or the invoice could not be made."""
    from .services import queue_delivery

    with transaction.atomic():
        template = (_due(today).select_for_update(of=("self",), skip_locked=True)
                    .select_related("workspace", "contact").filter(pk=template.pk).first())
        if template is None:
            return None
        if template.end_date and template.next_date > template.end_date:
            return None
        period = template.periods_done
        try:
            with transaction.atomic():
                run = RecurringRun.objects.create(workspace_id=template.workspace_id,
                                                  template=template, period=period,
                                                  period_date=template.next_date)
        except IntegrityError:  # invoiced already: only the counter was behind
            run = None
        if run is not None:
            try:
                with transaction.atomic():
                    invoice = invoice_create(
                        workspace=template.workspace, actor=None,
                        contact_id=template.contact_id,
                        document_subtype_id=template.document_subtype_id,
                        items=template.items, currency_id=template.currency_id,
                        payment_term=template.payment_term, notes=template.notes,
                        draft=template.mode == RecurringMode.DRAFT)
                    run.invoice = invoice
                    run.save(update_fields=["invoice"])
                    if template.send and template.mode == RecurringMode.ISSUED \
                            and template.contact.email:
                        queue_delivery(document=invoice, actor=None,
                                       to=[template.contact.email], cc=[], message="",
                                       purpose=DeliveryPurpose.RECURRING)
            except DomainError as error:
                run.delete()
                template.last_error = error.message[:2000]
                template.save(update_fields=["last_error", "updated_at"])
                activity_record(workspace=template.workspace, actor=None, verb="failed",
                                target=template, description=error.message)
                outbox.enqueue(ADMIN_TOPIC, {"template_id": template.pk,
                                             "error": error.message[:500]},
                               workspace_id=template.workspace_id)
                return None
        template.periods_done = period + 1
        template.next_date = period_date(template.start_date, template.frequency,
                                         template.interval, template.periods_done)
        template.last_error = ""
        template.save(update_fields=["periods_done", "next_date", "last_error", "updated_at"])
        return 0 if run is None else 1


def recurring_run_due(*, today: datetime.date | None = None, limit: int = 60) -> int:
    """Invoice every period that is due; returns how many invoices were made. A template that
    missed several periods catches up, each period once (at most `limit` per run)."""
    today = today or timezone.localdate()
    made = 0
    for template in _due(today).order_by("next_date", "pk"):
        for _period in range(limit):
            try:
                outcome = _invoice_period(template, today)
            except Exception:
                log.exception("recurring: template %s failed", template.pk)
                break
            if outcome is None:
                break
            made += outcome
    return made
