"""Every write to quotations, and their conversion into invoices. The API, the pages, the
admin, the demo and the Celery task call these functions and nothing else.

Lifecycle (documented in the API schema and on the detail page):

    draft ──send──▶ sent ──accept──▶ accepted
      │               └───reject──▶ rejected
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
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.fiscal.numbering import allocate_number
from invoicing.invoices import services as invoice_services
from invoicing.invoices.models import Invoice
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record, exchange_rate_on

from .models import (
    CONVERTIBLE_STATUSES,
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
    return issue_date + datetime.timedelta(days=workspace.quotation_validity_days)


def _check_dates(issue_date: datetime.date, valid_until: datetime.date,
                 today: datetime.date) -> None:
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
    """draft → sent. Marks it as sent to the customer (emailing can come later)."""
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


def _expire_one(pk: int, today: datetime.date, actor: Any = None) -> bool:
    """Mark one open quotation expired if it is past its validity; False if it no longer
    qualifies or another transaction holds it (a conversion: it will be seen next run)."""
    with transaction.atomic():
        quotation = (Quotation.objects.select_for_update(of=("self",), skip_locked=True)
                     .select_related("workspace")
                     .filter(pk=pk, status__in=OPEN_STATUSES, valid_until__lt=today).first())
        if quotation is None:
            return False
        quotation.status = QuotationStatus.EXPIRED
        quotation.save(update_fields=["status", "updated_at"])
        activity_record(workspace=quotation.workspace, actor=actor, verb="expired",
                        target=quotation,
                        description=_("Expired (valid until %(date)s)")
                        % {"date": quotation.valid_until.strftime("%d/%m/%Y")})
        return True


def quotation_expire(*, quotation: Quotation, actor: Any = None,
                     today: datetime.date | None = None) -> Quotation:
    """Expire one open quotation that is past its validity (409 otherwise)."""
    today = today or timezone.localdate()
    if not _expire_one(quotation.pk, today, actor):
        current = Quotation.objects.get(pk=quotation.pk)
        if current.status == QuotationStatus.EXPIRED:
            return current
        raise Conflict(_("%(number)s is %(status)s and valid until %(date)s; it does not "
                         "expire yet.") % {"number": current,
                                           "status": current.get_status_display(),
                                           "date": current.valid_until.strftime("%d/%m/%Y")},
                       code="quotation_not_due")
    return Quotation.objects.get(pk=quotation.pk)


def quotations_expire_due(*, today: datetime.date | None = None,
                          workspace_id: int | None = None) -> int:
    """Mark every open quotation whose validity ended before `today` as expired; returns how
    many. Each row in its own short transaction (compare-and-set under the row lock), so a run
    that repeats or overlaps another changes nothing twice."""
    today = today or timezone.localdate()
    due = Quotation.objects.due_to_expire(today)
    if workspace_id is not None:
        due = due.filter(workspace_id=workspace_id)
    return sum(_expire_one(pk, today) for pk in due.order_by("pk").values_list("pk", flat=True))


# --- Conversion --------------------------------------------------------------------------------


def _invoice_items(quotation: Quotation) -> list[dict]:
    """The quotation's lines as the invoice service's items: same product, description,
    quantity, price, discount and taxes."""
    return [{
        "product_id": line.product_id,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount": line.discount,
        "discount_type": line.discount_type,
        "tax_ids": line.tax_ids,
    } for line in quotation.lines.order_by("position", "id")]


@requires("quotation_convert")
@transaction.atomic
def quotation_convert(
    *,
    quotation: Quotation,
    actor: Any,
    document_subtype_id: int,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Invoice:
    """Create and issue an invoice with the quotation's lines, contact, currency, salesmen,
    terms and notes; the quotation becomes `invoiced` and points at it. One transaction:
    either both change or neither. A second conversion is refused (409)."""
    quotation = _lock(quotation)
    if quotation.invoice_id is not None or quotation.status == QuotationStatus.INVOICED:
        raise _refuse(quotation, _("Cannot convert"))
    if quotation.status not in CONVERTIBLE_STATUSES:
        raise _refuse(quotation, _("Cannot convert"))
    _refuse_lapsed(quotation, timezone.localdate())

    invoice = invoice_services.invoice_create(
        workspace=quotation.workspace, actor=actor, contact_id=quotation.contact_id,
        document_subtype_id=document_subtype_id, items=_invoice_items(quotation),
        issue_date=issue_date, due_date=due_date, payment_term=quotation.payment_term,
        notes=quotation.notes, currency_id=quotation.currency_id,
        salesman_ids=list(quotation.salesmen.values_list("pk", flat=True)),
    )
    previous = quotation.status
    quotation.invoice = invoice
    quotation.status = QuotationStatus.INVOICED
    quotation.save(update_fields=["invoice", "status", "updated_at"])

    data = {"invoice_id": invoice.pk, "invoice_number": invoice.document_number,
            "quotation_id": quotation.pk, "quotation_number": quotation.document_number,
            "from_status": previous}
    if invoice.total_amount != quotation.total_amount:
        # Same prices; a tax whose rate changed since the quotation applies its current rate.
        data["quotation_total"] = str(quotation.total_amount)
        data["invoice_total"] = str(invoice.total_amount)
    activity_record(workspace=quotation.workspace, actor=actor, verb="converted",
                    target=quotation,
                    description=_("Converted into invoice %(invoice)s")
                    % {"invoice": invoice.document_number}, data=data)
    activity_record(workspace=quotation.workspace, actor=actor, verb="created_from_quotation",
                    target=invoice,
                    description=_("Created from quotation %(quotation)s")
                    % {"quotation": quotation.document_number}, data=data)
    return invoice
