"""Every write to invoices and payments. The API, the pages, the admin and the Celery tasks
call these functions and nothing else.

Each service runs in one transaction, locks the invoice row it changes (invoice first, then
the document subtype, the order every service keeps), writes the activity log in the same
transaction and queues side effects (stock, PDF) with `transaction.on_commit`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.contacts.models import Contact
from invoicing.core import count_cache, outbox
from invoicing.core.errors import Conflict, InvalidInput
from invoicing.core.money import ZERO, quantize_money
from invoicing.documents import pricing as line_pricing
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.fiscal.numbering import allocate_number
from invoicing.fiscal.rules import buyer_id_required
from workspaces.models import Currency, Workspace
from workspaces.services import activity_record, exchange_rate_on

from .models import (
    CancellationReason,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Salesman,
)

# --- Lookups inside the workspace (a foreign id is "not found", API.md); quotations use them too


def _not_found(field: str, label: str, pk: Any) -> InvalidInput:
    return InvalidInput(_("Not found: no %(label)s with id %(id)s in this workspace.")
                        % {"label": label, "id": pk}, field=field)


def contact_in_workspace(workspace: Workspace, pk: Any) -> Contact:
    contact = Contact.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if contact is None:
        raise _not_found("contact_id", _("contact"), pk)
    if not contact.is_active:
        raise InvalidInput(_("The contact %(name)s is inactive.") % {"name": contact.name},
                           field="contact_id")
    return contact


def _subtype(workspace: Workspace, pk: Any) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if subtype is None:
        raise _not_found("document_subtype_id", _("document type"), pk)
    if subtype.document_type != DocumentType.INVOICE:
        raise InvalidInput(_("%(subtype)s does not number invoices.") % {"subtype": subtype},
                           field="document_subtype_id")
    return subtype


def currency_in_workspace(workspace: Workspace, pk: Any | None) -> Currency:
    if pk is None:
        currency = Currency.objects.filter(workspace=workspace, is_default=True).first()
        if currency is None:
            raise InvalidInput(_("This workspace has no default currency."), field="currency_id")
        return currency
    currency = Currency.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if currency is None:
        raise _not_found("currency_id", _("currency"), pk)
    if not currency.is_active:
        raise InvalidInput(_("The currency %(code)s is inactive.") % {"code": currency.code},
                           field="currency_id")
    return currency


def salesmen_in_workspace(workspace: Workspace, ids: Iterable[Any]) -> list[Salesman]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {s.pk: s for s in Salesman.objects.filter(workspace=workspace, pk__in=[
        pk for pk in wanted if isinstance(pk, int)])}
    for pk in wanted:
        if pk not in found:
            raise _not_found("salesman_ids", _("salesman"), pk)
        if not found[pk].is_active:
            raise InvalidInput(_("The salesman %(name)s is inactive.")
                               % {"name": found[pk].name}, field="salesman_ids")
    return [found[pk] for pk in wanted]


def _check_dates(issue_date: datetime.date, due_date: datetime.date) -> None:
    if due_date < issue_date:
        raise InvalidInput(_("The due date cannot be before the issue date."), field="due_date")


def _default_due_date(contact: Contact, issue_date: datetime.date) -> datetime.date:
    days = contact.payment_terms_days or 0
    return issue_date + datetime.timedelta(days=days)


def status_for(total: Decimal, paid: Decimal) -> str:
    """Status follows the money (API.md): an issued invoice is paid once nothing is due."""
    if paid >= total:
        return InvoiceStatus.PAID
    if paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.PENDING_PAYMENT


def _lock(invoice: Invoice | int) -> Invoice:
    pk = invoice if isinstance(invoice, int) else invoice.pk
    return (Invoice.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact", "document_subtype", "currency")
            .get(pk=pk))


# --- Side effects after commit --------------------------------------------------------------


def _after_commit(invoice: Invoice, *, stock: bool) -> None:
    """Record the side effects in this transaction (the outbox publishes them on commit)."""
    count_cache.bump("invoices", invoice.workspace_id)
    payload = {"invoice_id": invoice.pk}
    if stock:
        outbox.enqueue("invoices.stock_sync", payload, workspace_id=invoice.workspace_id)
    outbox.enqueue("invoices.pdf", payload, workspace_id=invoice.workspace_id)


# --- Lines and totals -----------------------------------------------------------------------


def _write_lines(invoice: Invoice, priced: Sequence[line_pricing.PricedLine]) -> None:
    figures = line_pricing.document_figures(priced)
    InvoiceLine.objects.filter(invoice=invoice).delete()
    InvoiceLine.objects.bulk_create([
        InvoiceLine(workspace_id=invoice.workspace_id, invoice=invoice, **line.model_fields())
        for line in priced
    ])
    invoice.subtotal_amount = figures.subtotal
    invoice.discount_amount = figures.discount
    invoice.tax_amount = figures.tax
    invoice.total_amount = figures.total


def _check_buyer_identity(invoice: Invoice) -> None:
    """B01, B14, B15… always name the buyer; B02/E32 from RD$250,000 (DOMAIN.md)."""
    subtype = invoice.document_subtype
    total_in_dop = quantize_money(invoice.total_amount * invoice.exchange_rate)
    if buyer_id_required(ncf_type_code=subtype.ncf_type, total_in_dop=total_in_dop) \
            and not invoice.contact.has_fiscal_id:
        if subtype.ncf_type in ("B02", "E32"):
            message = _("A consumo invoice of RD$250,000 or more must name the buyer: give "
                        "%(name)s an RNC or cédula.") % {"name": invoice.contact.name}
        else:
            message = _("%(type)s invoices must name the buyer: give %(name)s an RNC or "
                        "cédula, or choose another document type.") % {
                "type": subtype.ncf_type, "name": invoice.contact.name}
        raise InvalidInput(message, field="contact_id", code="buyer_id_required")


def _freeze_identities(invoice: Invoice) -> None:
    """What the printed document says about buyer and issuer never changes after issue."""
    contact, workspace = invoice.contact, invoice.workspace
    invoice.buyer_name = contact.name
    invoice.buyer_tax_id_type = contact.tax_id_type
    invoice.buyer_tax_id = contact.tax_id
    invoice.buyer_address = contact.address
    invoice.issuer_name = workspace.name
    invoice.issuer_rnc = workspace.rnc
    invoice.issuer_address = workspace.address


def _fix_exchange_rate(invoice: Invoice) -> None:
    invoice.exchange_rate = exchange_rate_on(currency=invoice.currency, on=invoice.issue_date)


def _issue_locked(invoice: Invoice, *, moves_stock: bool) -> None:
    """Draft → issued, inside the caller's transaction, the invoice row locked (or not yet
    written); the caller saves. `moves_stock`: a line's product tracks inventory."""
    _fix_exchange_rate(invoice)
    _check_buyer_identity(invoice)
    allocated = allocate_number(workspace_id=invoice.workspace_id,
                                subtype_id=invoice.document_subtype_id,
                                on_date=invoice.issue_date)
    invoice.document_number = allocated.document_number
    invoice.sequence_number = allocated.sequence
    invoice.ncf_valid_until = allocated.valid_until
    _freeze_identities(invoice)
    invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    invoice.issued_at = timezone.now()
    if moves_stock:
        invoice.stock_revision += 1


def _moves_stock(priced: Sequence[line_pricing.PricedLine]) -> bool:
    return any(line.product is not None and line.product.tracks_inventory for line in priced)


def _prime_caches(invoice: Invoice, lines: list[InvoiceLine], salesmen: list[Salesman]) -> None:
    """Give a freshly written invoice the related rows it was written with, so rendering it
    for the response needs no query (the same caches a prefetching read would fill)."""
    invoice._prefetched_objects_cache = {
        "lines": lines, "payments": [],
        "salesmen": sorted(salesmen, key=lambda s: (s.name, s.pk)),
    }
    Invoice.quotation.related.set_cached_value(invoice, None)


# --- Invoices -------------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    workspace: Workspace,
    actor: Any,
    contact_id: int,
    document_subtype_id: int,
    items: Sequence[dict],
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    payment_term: str = "",
    notes: str = "",
    currency_id: int | None = None,
    salesman_ids: Iterable[int] = (),
    draft: bool = False,
) -> Invoice:
    """Create an invoice, issued at once (the next number of its subtype) unless `draft`."""
    contact = contact_in_workspace(workspace, contact_id)
    subtype = _subtype(workspace, document_subtype_id)
    currency = currency_in_workspace(workspace, currency_id)
    salesmen = salesmen_in_workspace(workspace, salesman_ids)
    issue_date = issue_date or timezone.localdate()
    due_date = due_date or _default_due_date(contact, issue_date)
    _check_dates(issue_date, due_date)
    priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=items)

    invoice = Invoice(
        workspace=workspace, contact=contact, document_subtype=subtype, currency=currency,
        issue_date=issue_date, due_date=due_date, payment_term=payment_term or "",
        notes=notes or "", created_by=actor if getattr(actor, "pk", None) else None,
    )
    figures = line_pricing.document_figures(priced)
    invoice.subtotal_amount, invoice.discount_amount = figures.subtotal, figures.discount
    invoice.tax_amount, invoice.total_amount = figures.tax, figures.total
    _fix_exchange_rate(invoice)
    if not draft:
        # Numbered before the row is written: one INSERT, and a refused issue (buyer
        # identity, an exhausted or expired range) leaves nothing behind.
        _issue_locked(invoice, moves_stock=_moves_stock(priced))
    invoice.save()
    lines = InvoiceLine.objects.bulk_create([
        InvoiceLine(workspace_id=workspace.pk, invoice=invoice, **line.model_fields())
        for line in priced
    ])
    if salesmen:
        invoice.salesmen.set(salesmen)
    _prime_caches(invoice, lines, salesmen)
    activity_record(workspace=workspace, actor=actor,
                    verb="created" if draft else "issued", target=invoice,
                    description=_("Draft created") if draft
                    else _("Issued as %(number)s") % {"number": invoice.document_number},
                    data={"total": str(invoice.total_amount)})
    _after_commit(invoice, stock=invoice.stock_revision > 0)
    return invoice


@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor: Any) -> Invoice:
    invoice = _lock(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(_("%(number)s is already issued; only drafts can be issued.")
                       % {"number": invoice}, code="invoice_not_draft")
    if not invoice.contact.is_active:
        raise InvalidInput(_("The contact %(name)s is inactive.")
                           % {"name": invoice.contact.name}, field="contact_id")
    moves_stock = InvoiceLine.objects.filter(invoice=invoice,
                                             product__tracks_inventory=True).exists()
    _issue_locked(invoice, moves_stock=moves_stock)
    invoice.save()
    activity_record(workspace=invoice.workspace, actor=actor, verb="issued", target=invoice,
                    description=_("Issued as %(number)s") % {"number": invoice.document_number})
    _after_commit(invoice, stock=moves_stock)
    return invoice


UPDATABLE = {"contact_id", "document_subtype_id", "issue_date", "due_date", "payment_term",
             "notes", "currency_id", "salesman_ids", "items"}


@transaction.atomic
def invoice_update(*, invoice: Invoice, actor: Any, **changes: Any) -> Invoice:
    """Change an invoice (API.md PATCH). A draft changes freely. An issued invoice keeps its
    number and subtype; with payments it also keeps its lines, contact and currency (409);
    without payments its lines may change and stock follows. A cancelled one is final."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    invoice = _lock(invoice)
    workspace = invoice.workspace
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("%(number)s is cancelled and cannot change.") % {"number": invoice},
                       code="invoice_cancelled")

    issued = invoice.status != InvoiceStatus.DRAFT
    if issued:
        frozen = {"document_subtype_id": invoice.document_subtype_id}
        if invoice.amount_paid > 0:
            frozen |= {"contact_id": invoice.contact_id, "currency_id": invoice.currency_id}
            if "items" in changes:
                raise Conflict(_("%(number)s has payments, so its lines cannot change. Delete "
                                 "the payments first, or issue a credit note.")
                               % {"number": invoice}, code="invoice_has_payments",
                               field="items")
        for name, current in frozen.items():
            if name in changes and changes[name] != current:
                reason = (_("the number belongs to its document type") if name ==
                          "document_subtype_id" else _("it has payments"))
                raise Conflict(_("%(field)s of issued invoice %(number)s cannot change: "
                                 "%(reason)s.") % {"field": name, "number": invoice,
                                                   "reason": reason},
                               code="invoice_field_frozen", field=name)

    if "contact_id" in changes:
        invoice.contact = contact_in_workspace(workspace, changes["contact_id"])
    if "document_subtype_id" in changes:
        invoice.document_subtype = _subtype(workspace, changes["document_subtype_id"])
    if "currency_id" in changes:
        invoice.currency = currency_in_workspace(workspace, changes["currency_id"])
    salesmen = salesmen_in_workspace(workspace, changes["salesman_ids"]) \
        if "salesman_ids" in changes else None
    for name in ("issue_date", "due_date"):
        if changes.get(name) is not None:
            setattr(invoice, name, changes[name])
    if "issue_date" in changes and "due_date" not in changes \
            and invoice.due_date < invoice.issue_date:
        invoice.due_date = invoice.issue_date
    _check_dates(invoice.issue_date, invoice.due_date)
    for name in ("payment_term", "notes"):
        if name in changes:
            setattr(invoice, name, changes[name] or "")

    lines_changed = "items" in changes
    moves_stock = False
    if lines_changed:
        priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=changes["items"])
        _write_lines(invoice, priced)
        # Stock follows when the new lines track inventory or the old ones did.
        moves_stock = _moves_stock(priced) or invoice.stock_revision > 0
    if salesmen is not None:
        invoice.salesmen.set(salesmen)

    if issued:
        _fix_exchange_rate(invoice)
        _check_buyer_identity(invoice)
        _freeze_identities(invoice)
        invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
        if moves_stock:
            invoice.stock_revision += 1
    else:
        _fix_exchange_rate(invoice)
    invoice.save()
    activity_record(workspace=workspace, actor=actor, verb="updated", target=invoice,
                    description=_("Lines changed") if lines_changed else _("Details changed"),
                    data={"fields": sorted(changes)})
    _after_commit(invoice, stock=issued and moves_stock)
    return invoice


@transaction.atomic
def invoice_delete(*, invoice: Invoice, actor: Any) -> None:
    """Only drafts are deleted; issued invoices are fiscal documents (cancel them)."""
    invoice = _lock(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(_("%(number)s is an issued fiscal document and is never erased; cancel "
                         "it instead.") % {"number": invoice}, code="invoice_not_deletable")
    activity_record(workspace=invoice.workspace, actor=actor, verb="deleted", target=invoice,
                    description=_("Draft deleted"))
    invoice.salesmen.clear()
    count_cache.bump("invoices", invoice.workspace_id)
    draft_id = invoice.pk
    invoice.delete()
    invoice.pk = draft_id  # the preview PDFs of the draft go once the delete is committed

    def forget_pdfs():
        from invoicing.documents.pdf import delete_document_pdfs

        delete_document_pdfs(invoice, kind="invoice")

    transaction.on_commit(forget_pdfs)


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: Any, reason_code: str,
                   reason: str = "") -> Invoice:
    """Void an issued, unpaid invoice with a DGII 608 reason. The number stays used."""
    if reason_code not in CancellationReason.values:
        raise InvalidInput(_("Use a DGII 608 reason code from 01 to 10."), field="reason_code")
    invoice = _lock(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(_("A draft has no number to void; delete it instead."),
                       code="invoice_is_draft")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("%(number)s is already cancelled.") % {"number": invoice},
                       code="invoice_cancelled")
    if invoice.amount_paid > 0:
        raise Conflict(_("%(number)s has payments. Refund them (delete the payments) or issue "
                         "a credit note.") % {"number": invoice}, code="invoice_has_payments")
    invoice.status = InvoiceStatus.CANCELLED
    invoice.cancel_reason_code = reason_code
    invoice.cancel_reason = (reason or "").strip()
    invoice.cancelled_at = timezone.now()
    moves_stock = invoice.stock_revision > 0  # it sold tracked goods: they come back
    if moves_stock:
        invoice.stock_revision += 1
    invoice.save()
    activity_record(workspace=invoice.workspace, actor=actor, verb="cancelled", target=invoice,
                    description=_("Cancelled (608 code %(code)s) %(reason)s")
                    % {"code": reason_code, "reason": invoice.cancel_reason},
                    data={"reason_code": reason_code})
    _after_commit(invoice, stock=moves_stock)
    return invoice


# --- Payments -------------------------------------------------------------------------------


@transaction.atomic
def payment_record(*, invoice: Invoice, actor: Any, amount: Decimal,
                   date: datetime.date | None = None, method: str = PaymentMethod.CASH,
                   reference: str = "", notes: str = "") -> Payment:
    invoice = _lock(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        raise Conflict(_("Issue the invoice before recording payments."),
                       code="invoice_is_draft")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict(_("%(number)s is cancelled; it takes no payments.")
                       % {"number": invoice}, code="invoice_cancelled")
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Unknown payment method."), field="method")
    amount = Decimal(amount)
    if amount != quantize_money(amount):
        raise InvalidInput(_("Use at most 2 decimals."), field="amount")
    if amount <= 0:
        raise InvalidInput(_("The amount must be greater than 0."), field="amount")
    balance = invoice.total_amount - invoice.amount_paid
    if amount > balance:
        raise InvalidInput(
            _("The amount (%(amount)s) is more than the balance due (%(balance)s).")
            % {"amount": amount, "balance": balance}, field="amount")
    payment = Payment.objects.create(
        workspace_id=invoice.workspace_id, invoice=invoice, amount=amount,
        date=date or timezone.localdate(), method=method, reference=reference or "",
        notes=notes or "", created_by=actor if getattr(actor, "pk", None) else None,
    )
    invoice.amount_paid += amount
    invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") + amount,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_recorded",
                    target=invoice,
                    description=_("Payment of %(amount)s (%(method)s)")
                    % {"amount": amount, "method": payment.get_method_display()},
                    data={"payment_id": payment.pk, "amount": str(amount)})
    _after_commit(invoice, stock=False)
    return payment


@transaction.atomic
def payment_delete(*, payment: Payment, actor: Any) -> Invoice:
    invoice = _lock(payment.invoice_id)
    payment = Payment.objects.get(pk=payment.pk, invoice=invoice)
    invoice.amount_paid -= payment.amount
    if invoice.status != InvoiceStatus.CANCELLED:
        invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    Invoice.objects.filter(pk=invoice.pk).update(amount_paid=F("amount_paid") - payment.amount,
                                                  status=invoice.status,
                                                  updated_at=timezone.now())
    activity_record(workspace=invoice.workspace, actor=actor, verb="payment_deleted",
                    target=invoice,
                    description=_("Payment of %(amount)s deleted") % {"amount": payment.amount},
                    data={"payment_id": payment.pk, "amount": str(payment.amount)})
    payment.delete()
    _after_commit(invoice, stock=False)
    return invoice


# --- Stock ----------------------------------------------------------------------------------


def invoice_stock_sync(*, invoice_id: int) -> int:
    """Bring the stock ledger in line with an invoice; returns movements written.

    Runs in the Celery task after commit, and from `stock_repair`. The invoice row is locked,
    so two runs queue; each movement carries a `source_key` unique in the database, so even a
    run that repeats after a crash cannot write a movement twice. The first sync of an issued
    invoice writes one `sale` per inventory line; later syncs (lines changed, cancelled)
    write per product the difference between what the lines ask and what is booked.
    """
    from invoicing.products.services import StockEntry, stock_movements_record_many

    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",)).select_related("workspace")
                   .filter(pk=invoice_id).first())
        if invoice is None or invoice.stock_synced_revision >= invoice.stock_revision:
            return 0
        revision = invoice.stock_revision
        tracked = [line for line in InvoiceLine.objects.filter(
            invoice=invoice, product__tracks_inventory=True).select_related("product")]
        booked: dict[int, Decimal] = {}
        for product_id, quantity in invoice.stock_movements.values_list("product_id",
                                                                          "quantity"):
            booked[product_id] = booked.get(product_id, ZERO) + quantity

        entries: list[StockEntry] = []
        counts_as_sold = invoice.status not in (InvoiceStatus.CANCELLED, InvoiceStatus.DRAFT)
        if not booked and counts_as_sold:
            for line in tracked:
                entries.append(StockEntry(
                    product_id=line.product_id, quantity=-line.quantity, kind="sale",
                    note=str(invoice), source_key=f"inv:{invoice.pk}:r{revision}:l{line.pk}"))
        else:
            wanted: dict[int, Decimal] = {}
            if counts_as_sold:
                for line in tracked:
                    wanted[line.product_id] = wanted.get(line.product_id, ZERO) - line.quantity
            for product_id in sorted(set(wanted) | set(booked)):
                difference = wanted.get(product_id, ZERO) - booked.get(product_id, ZERO)
                if difference == 0:
                    continue
                entries.append(StockEntry(
                    product_id=product_id, quantity=difference,
                    kind="sale" if difference < 0 else "sale_reversal", note=str(invoice),
                    source_key=f"inv:{invoice.pk}:r{revision}:p{product_id}"))
        written = stock_movements_record_many(workspace_id=invoice.workspace_id,
                                              invoice_id=invoice.pk, entries=entries)
        Invoice.objects.filter(pk=invoice.pk, stock_synced_revision__lt=revision).update(
            stock_synced_revision=revision)
        return written


def invoices_with_stock_pending() -> list[int]:
    return list(Invoice.objects.filter(stock_revision__gt=F("stock_synced_revision"))
                .values_list("pk", flat=True)[:1000])
