"""Every write to quotations, and their conversion into invoices. The API, the pages, the
admin, the demo and the Celery task call these functions and nothing else.

Lifecycle (documented in the API schema and on the detail page):

    draft ──send (its email)──▶ sent ──accept──▶ accepted
      │                           └───reject──▶ rejected
      │  (draft, sent: past valid_until ──▶ expired, by `quotations_expire_due`)
      └──────── draft, sent, accepted ──convert──▶ invoiced

- A quotation takes its number (`COT-0001`) from a quotation subtype when it is created,
  inside the creating transaction; the number never changes.
- Draft and sent quotations can be edited (a sent one stays sent); accepted, rejected,
  expired and invoiced ones cannot (409).
- Only drafts are deleted; an offer the customer has seen is kept (reject it instead).
- Converting is allowed from draft, sent and accepted: a customer's yes often comes before
  anyone records it, and the conversion records it. Rejected, expired and invoiced ones
  refuse (409). An open quotation past its `valid_until` counts as expired even before the
  periodic task marks it; an accepted one does not lapse (it was accepted in time).

Lock order, everywhere: the quotation row, then (inside `invoice_create`) the subtype row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicing.core.errors import Conflict, InvalidInput
from invoicing.documents import pricing as line_pricing
from invoicing.documents.lookups import check_date, days_after
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.fiscal.numbering import allocate_number
from invoicing.invoices import services as invoice_services
from invoicing.invoices.models import Invoice
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record, exchange_rate_on

from .expiry import quotation_expire, quotations_expire_due  # noqa: F401 - part of the API
from .models import (
    OPEN_STATUSES,
    Quotation,
    QuotationLine,
    QuotationStatus,
)

# The same workspace lookups the invoice service uses ("not found in this workspace",
# inactive refused): one rule for both documents.
_contact = invoice_services.contact_in_workspace
_currency = invoice_services.currency_in_workspace
_salesmen = invoice_services.salesmen_in_workspace


def _quotation_subtype(workspace: Workspace, pk: Any | None) -> DocumentSubtype:
    subtypes = DocumentSubtype.objects.filter(workspace=workspace)
    if pk is None:
        subtype = (subtypes.filter(document_type=DocumentType.QUOTATION, is_active=True)
                   .order_by("id").first())
        if subtype is None:
            raise InvalidInput(_("This workspace has no active quotation series; add one in "
                                 "Settings → Document types."), field="document_subtype_id")
        return subtype
    subtype = subtypes.filter(pk=pk).first() if isinstance(pk, int) else None
    if subtype is None:
        raise InvalidInput(_("Not found: no document type with id %(id)s in this workspace.")
                           % {"id": pk}, field="document_subtype_id")
    if subtype.document_type != DocumentType.QUOTATION:
        raise InvalidInput(_("%(subtype)s does not number quotations.") % {"subtype": subtype},
                           field="document_subtype_id")
    return subtype


def default_valid_until(workspace: Workspace, issue_date: datetime.date) -> datetime.date:
    check_date(issue_date, "issue_date")
    return days_after(issue_date, workspace.quotation_validity_days, "issue_date")


def _check_dates(issue_date: datetime.date, valid_until: datetime.date,
                 today: datetime.date) -> None:
    check_date(issue_date, "issue_date")
    check_date(valid_until, "valid_until")
    if valid_until < issue_date:
        raise InvalidInput(_("A quotation cannot be valid until a date before its issue date."),
                           field="valid_until")
    if valid_until < today:
        raise InvalidInput(
            _("Valid until %(date)s is in the past: the quotation would be expired at once. "
              "Choose today or a later date.") % {"date": valid_until.strftime("%d/%m/%Y")},
            field="valid_until")


def _lock(quotation: Quotation | int) -> Quotation:
    pk = quotation if isinstance(quotation, int) else quotation.pk
    return (Quotation.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact", "currency", "document_subtype")
            .get(pk=pk))


def _write_lines(quotation: Quotation, priced: Sequence[line_pricing.PricedLine]) -> None:
    figures = line_pricing.document_figures(priced)
    QuotationLine.objects.filter(quotation=quotation).delete()
    QuotationLine.objects.bulk_create([
        QuotationLine(workspace_id=quotation.workspace_id, quotation=quotation,
                      **line.model_fields())
        for line in priced
    ])
    quotation.subtotal_amount = figures.subtotal
    quotation.discount_amount = figures.discount
    quotation.tax_amount = figures.tax
    quotation.total_amount = figures.total


def _refuse_lapsed(quotation: Quotation, today: datetime.date) -> None:
    if quotation.has_lapsed(today):
        raise Conflict(
            _("%(number)s expired on %(date)s (valid until %(date)s); create a new quotation.")
            % {"number": quotation, "date": quotation.valid_until.strftime("%d/%m/%Y")},
            code="quotation_expired")


_STATE_MESSAGES = {
    QuotationStatus.ACCEPTED: gettext_lazy("%(number)s was accepted; it can only be converted "
                                           "into an invoice now."),
    QuotationStatus.REJECTED: gettext_lazy("%(number)s was rejected by the customer."),
    QuotationStatus.EXPIRED: gettext_lazy("%(number)s has expired; create a new quotation."),
    QuotationStatus.INVOICED: gettext_lazy("%(number)s was already converted into invoice "
                                           "%(invoice)s."),
}


def _refuse(quotation: Quotation, what: str) -> Conflict:
    message = _STATE_MESSAGES.get(quotation.status) or _("%(number)s is %(status)s.")
    invoice = Invoice.objects.filter(pk=quotation.invoice_id).values_list(
        "document_number", flat=True).first() if quotation.invoice_id else ""
    text = str(message) % {"number": quotation, "invoice": invoice or "",
                         "status": quotation.get_status_display()}
    return Conflict(f"{what}: {text}", code=f"quotation_{quotation.status}")


# --- Create, update, delete --------------------------------------------------------------------


@requires("quotation_create")
@transaction.atomic
def quotation_create(
    *,
    workspace: Workspace,
    actor: Any,
    contact_id: int,
    items: Sequence[dict],
    document_subtype_id: int | None = None,
    issue_date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    payment_term: str = "",
    notes: str = "",
    currency_id: int | None = None,
    salesman_ids: Iterable[int] = (),
    as_of: datetime.date | None = None,
) -> Quotation:
    """Create a draft quotation, numbered at once from its quotation series. `as_of` is the
    day the validity is checked against (default today; the demo records older offers)."""
    today = as_of or timezone.localdate()
    contact = _contact(workspace, contact_id)
    subtype = _quotation_subtype(workspace, document_subtype_id)
    currency = _currency(workspace, currency_id)
    salesmen = _salesmen(workspace, salesman_ids)
    issue_date = issue_date or today
    valid_until = valid_until or default_valid_until(workspace, issue_date)
    _check_dates(issue_date, valid_until, today)
    priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=items)
    figures = line_pricing.document_figures(priced)

    # Everything is checked: take the number last, so the series' row lock is held briefly.
    allocated = allocate_number(workspace_id=workspace.pk, subtype_id=subtype.pk,
                                on_date=issue_date)
    quotation = Quotation.objects.create(
        workspace=workspace, contact=contact, document_subtype=subtype, currency=currency,
        document_number=allocated.document_number, issue_date=issue_date,
        valid_until=valid_until, payment_term=payment_term or "", notes=notes or "",
        exchange_rate=exchange_rate_on(currency=currency, on=issue_date),
        subtotal_amount=figures.subtotal, discount_amount=figures.discount,
        tax_amount=figures.tax, total_amount=figures.total,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    QuotationLine.objects.bulk_create([
        QuotationLine(workspace_id=workspace.pk, quotation=quotation, **line.model_fields())
        for line in priced
    ])
    if salesmen:
        quotation.salesmen.set(salesmen)
    activity_record(workspace=workspace, actor=actor, verb="created", target=quotation,
                    description=_("Quotation %(number)s created")
                    % {"number": quotation.document_number},
                    data={"total": str(quotation.total_amount)})
    return quotation


UPDATABLE = {"contact_id", "document_subtype_id", "issue_date", "valid_until", "payment_term",
             "notes", "currency_id", "salesman_ids", "items"}


@requires("quotation_update")
@transaction.atomic
def quotation_update(*, quotation: Quotation, actor: Any, **changes: Any) -> Quotation:
    """Change a draft or sent quotation (a sent one stays sent). Its number, and so its
    series, never change."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    today = timezone.localdate()
    quotation = _lock(quotation)
    workspace = quotation.workspace
    if quotation.status not in OPEN_STATUSES:
        raise _refuse(quotation, _("Cannot edit"))
    _refuse_lapsed(quotation, today)
    if changes.get("document_subtype_id", quotation.document_subtype_id) \
            != quotation.document_subtype_id:
        raise Conflict(_("The number %(number)s belongs to its series; the document type of a "
                         "quotation cannot change.") % {"number": quotation},
                       code="quotation_field_frozen", field="document_subtype_id")

    if "contact_id" in changes:
        quotation.contact = _contact(workspace, changes["contact_id"])
    if "currency_id" in changes:
        quotation.currency = _currency(workspace, changes["currency_id"])
    salesmen = _salesmen(workspace, changes["salesman_ids"]) \
        if "salesman_ids" in changes else None
    if changes.get("issue_date") is not None:
        quotation.issue_date = changes["issue_date"]
    if changes.get("valid_until") is not None:
        quotation.valid_until = changes["valid_until"]
    elif quotation.valid_until < quotation.issue_date:
        # A new issue date after the old validity: the workspace's default span again.
        quotation.valid_until = default_valid_until(workspace, quotation.issue_date)
    if "issue_date" in changes or "valid_until" in changes:
        _check_dates(quotation.issue_date, quotation.valid_until, today)
    for name in ("payment_term", "notes"):
        if name in changes:
            setattr(quotation, name, changes[name] or "")

    lines_changed = "items" in changes
    if lines_changed:
        priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=changes["items"])
        _write_lines(quotation, priced)
    if salesmen is not None:
        quotation.salesmen.set(salesmen)
    quotation.exchange_rate = exchange_rate_on(currency=quotation.currency,
                                               on=quotation.issue_date)
    quotation.save()
    activity_record(workspace=workspace, actor=actor, verb="updated", target=quotation,
                    description=_("Lines changed") if lines_changed else _("Details changed"),
                    data={"fields": sorted(changes)})
    return quotation


@requires("quotation_delete")
@transaction.atomic
def quotation_delete(*, quotation: Quotation, actor: Any) -> None:
    """Only drafts are deleted: an offer the customer has seen stays on record."""
    quotation = _lock(quotation)
    if quotation.status != QuotationStatus.DRAFT:
        if quotation.status == QuotationStatus.INVOICED:
            raise _refuse(quotation, _("Cannot delete"))
        raise Conflict(_("%(number)s was sent to the customer and stays on record; reject it "
                         "instead of deleting it.") % {"number": quotation},
                       code="quotation_not_deletable")
    activity_record(workspace=quotation.workspace, actor=actor, verb="deleted",
                    target=quotation, description=_("Draft %(number)s deleted")
                    % {"number": quotation})
    quotation.salesmen.clear()
    quotation.delete()


# --- Status changes ----------------------------------------------------------------------------


def _transition(*, quotation: Quotation, actor: Any, allowed: tuple[str, ...], to: str,
                verb: str, what: str, description: str, data: dict | None = None) -> Quotation:
    quotation = _lock(quotation)
    if quotation.status == to:
        raise Conflict(_("%(number)s is already %(status)s.")
                       % {"number": quotation, "status": quotation.get_status_display()},
                       code=f"quotation_{to}")
    if quotation.status not in allowed:
        if quotation.status in _STATE_MESSAGES:
            raise _refuse(quotation, what)
        raise Conflict(_("%(what)s: %(number)s is %(status)s; only %(allowed)s quotations "
                         "can be %(to)s.") % {
            "what": what, "number": quotation, "status": quotation.get_status_display(),
            "allowed": ", ".join(str(QuotationStatus(s).label).lower() for s in allowed),
            "to": str(QuotationStatus(to).label).lower()},
            code="quotation_invalid_transition")
    _refuse_lapsed(quotation, timezone.localdate())
    quotation.status = to
    quotation.save(update_fields=["status", "updated_at"])
    activity_record(workspace=quotation.workspace, actor=actor, verb=verb, target=quotation,
                    description=description, data=data)
    return quotation


@requires("quotation_send")
@transaction.atomic
def quotation_send(*, quotation: Quotation, actor: Any) -> Quotation:
    """draft → sent: the quotation went to the customer. Emailing it (outreach's
    `document_send`, API `POST /quotations/{id}/send`) calls this for a draft, in the
    transaction that queues the email; the admin may also mark one sent by other means."""
    return _transition(quotation=quotation, actor=actor, allowed=(QuotationStatus.DRAFT,),
                       to=QuotationStatus.SENT, verb="sent", what=_("Cannot send"),
                       description=_("Marked as sent to the customer"))


@requires("quotation_accept")
@transaction.atomic
def quotation_accept(*, quotation: Quotation, actor: Any) -> Quotation:
    """sent → accepted: the customer said yes, within the validity."""
    return _transition(quotation=quotation, actor=actor, allowed=(QuotationStatus.SENT,),
                       to=QuotationStatus.ACCEPTED, verb="accepted", what=_("Cannot accept"),
                       description=_("Accepted by the customer"))


@requires("quotation_reject")
@transaction.atomic
def quotation_reject(*, quotation: Quotation, actor: Any, reason: str = "") -> Quotation:
    """sent → rejected, with the customer's reason if known."""
    reason = (reason or "").strip()
    description = _("Rejected by the customer")
    if reason:
        description = f"{description}: {reason}"
    return _transition(quotation=quotation, actor=actor, allowed=(QuotationStatus.SENT,),
                       to=QuotationStatus.REJECTED, verb="rejected", what=_("Cannot reject"),
                       description=description, data={"reason": reason} if reason else None)
