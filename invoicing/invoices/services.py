"""Every write to invoices. The API, the pages, the admin and the jobs call these functions
and nothing else; each checks its actor against the role table (`requires`) and the invoice's
state against its policy (`documents.policies.InvoicePolicy`).

Each service runs in one transaction and locks in one order everywhere: invoice, contact,
series. Issuing writes the invoice, lines, activity and side effects (outbox) first and takes
the number last: the counter row stays locked until the commit, so nothing after it reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import count_cache, outbox
from invoicing.core.errors import InvalidInput
from invoicing.core.money import quantize_money
from invoicing.documents import issuing
from invoicing.documents import pricing as line_pricing
from invoicing.documents.lookups import (
    check_date,
    contact_in_workspace,
    currency_in_workspace,
    days_after,
    not_found,
    subtype_in_workspace,
)
from invoicing.documents.policies import InvoicePolicy
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.fiscal.numbering import allocate_number
from invoicing.fiscal.rules import (
    check_buyer_identity,
    check_fiscal_line_taxes,
    check_issuer_identity,
    check_sales_series,
)
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record, exchange_rate_for_issue, exchange_rate_on

from . import events as invoice_events
from .balance import invoice_status, status_for
from .models import CancellationReason, Invoice, InvoiceLine, InvoiceStatus, Salesman

__all__ = [
    "contact_in_workspace", "currency_in_workspace", "invoice_cancel", "invoice_create",
    "invoice_delete", "invoice_issue", "invoice_status", "invoice_update",
    "salesmen_in_workspace", "status_for",
]


def salesmen_in_workspace(workspace: Workspace, ids: Iterable[Any]) -> list[Salesman]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {s.pk: s for s in Salesman.objects.filter(workspace=workspace, pk__in=[
        pk for pk in wanted if isinstance(pk, int)])}
    for pk in wanted:
        if pk not in found:
            raise not_found("salesman_ids", _("salesman"), pk)
        if not found[pk].is_active:
            raise InvalidInput(_("The salesman %(name)s is inactive.")
                               % {"name": found[pk].name}, field="salesman_ids")
    return [found[pk] for pk in wanted]


def _invoice_subtype(workspace: Workspace, pk: Any) -> DocumentSubtype:
    subtype = subtype_in_workspace(workspace, pk, document_types=(DocumentType.INVOICE,))
    check_sales_series(subtype)
    return subtype


def _check_dates(issue_date: datetime.date, due_date: datetime.date) -> None:
    check_date(issue_date, "issue_date")
    check_date(due_date, "due_date")
    if due_date < issue_date:
        raise InvalidInput(_("The due date cannot be before the issue date."), field="due_date")


def _default_due_date(contact, issue_date: datetime.date) -> datetime.date:
    return days_after(issue_date, contact.payment_terms_days or 0, "issue_date")


def lock_invoice(invoice: Invoice | int) -> Invoice:
    pk = invoice if isinstance(invoice, int) else invoice.pk
    return (Invoice.objects.select_for_update(of=("self",))
            .select_related("workspace", "contact", "document_subtype", "currency")
            .get(pk=pk))


def record_effects(invoice: Invoice, *, stock: bool = False, pdf: bool = True) -> None:
    """The side effects of a change, recorded in its transaction (published on commit)."""
    count_cache.changed(invoice.workspace_id)
    payload = {"invoice_id": invoice.pk}
    if stock:
        outbox.enqueue("invoices.stock_sync", payload, workspace_id=invoice.workspace_id)
    if pdf and settings.PDF_RENDER_IN_BACKGROUND:
        outbox.enqueue("invoices.pdf", payload, workspace_id=invoice.workspace_id)


# --- Issuing --------------------------------------------------------------------------------


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


def _prepare_issue(invoice: Invoice, *, moves_stock: bool) -> None:
    """Everything an issue decides before the number: the rate fixed, the fiscal rules
    checked, the parties frozen. Nothing is written here."""
    subtype = invoice.document_subtype
    check_date(invoice.issue_date, "issue_date")
    if invoice.issue_date > timezone.localdate():
        raise InvalidInput(_("An issued document cannot be dated in the future."),
                           field="issue_date")
    invoice.exchange_rate = exchange_rate_for_issue(currency=invoice.currency,
                                                    on=invoice.issue_date)
    check_issuer_identity(workspace=invoice.workspace, ncf_type_code=subtype.ncf_type)
    check_buyer_identity(ncf_type_code=subtype.ncf_type, contact=invoice.contact,
                         total_in_dop=quantize_money(invoice.total_amount
                                                     * invoice.exchange_rate))
    issuing.run_before(invoice)
    _freeze_identities(invoice)
    invoice.issued_at = timezone.now()
    if moves_stock:
        invoice.stock_revision += 1


def _take_number(invoice: Invoice, *, actor: Any, description_data: dict | None = None) -> None:
    """The last statements of an issue: advance the counter, write the number, and what
    must carry it."""
    allocated = allocate_number(workspace_id=invoice.workspace_id,
                                subtype_id=invoice.document_subtype_id,
                                on_date=invoice.issue_date)
    invoice.document_number = allocated.document_number
    invoice.sequence_number = allocated.sequence
    invoice.ncf_valid_until = allocated.valid_until
    invoice.status = status_for(invoice.total_amount, invoice.amount_paid)
    Invoice.objects.filter(pk=invoice.pk).update(
        document_number=invoice.document_number, sequence_number=invoice.sequence_number,
        ncf_valid_until=invoice.ncf_valid_until, status=invoice.status)
    activity_record(workspace=invoice.workspace, actor=actor, verb="issued", target=invoice,
                    description=_("Issued as %(number)s") % {"number": invoice.document_number},
                    data=description_data)
    issuing.run_numbered(invoice)


def _moves_stock(priced: Sequence[line_pricing.PricedLine]) -> bool:
    return any(line.product is not None and line.product.tracks_inventory for line in priced)


@requires("invoice_create")
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
    """Create an invoice, issued at once (the next number of its subtype) unless `draft`.
    The invoice returned carries its lines (`written_lines`) and salesmen
    (`written_salesmen`), so the answer is rendered without reading them back."""
    contact = contact_in_workspace(workspace, contact_id)
    subtype = _invoice_subtype(workspace, document_subtype_id)
    currency = currency_in_workspace(workspace, currency_id)
    salesmen = salesmen_in_workspace(workspace, salesman_ids)
    issue_date = issue_date or timezone.localdate()
    check_date(issue_date, "issue_date")
    due_date = due_date or _default_due_date(contact, issue_date)
    _check_dates(issue_date, due_date)
    priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=items,
                                        fiscal=subtype.is_fiscal and not draft)
    figures = line_pricing.document_figures(priced)

    invoice = Invoice(
        workspace=workspace, contact=contact, document_subtype=subtype, currency=currency,
        issue_date=issue_date, due_date=due_date, payment_term=payment_term or "",
        notes=notes or "", created_by=actor if getattr(actor, "pk", None) else None,
        subtotal_amount=figures.subtotal, discount_amount=figures.discount,
        tax_amount=figures.tax, total_amount=figures.total,
    )
    if draft:
        invoice.exchange_rate = exchange_rate_on(currency=currency, on=issue_date)
    else:
        _prepare_issue(invoice, moves_stock=_moves_stock(priced))
    invoice.save()  # as a draft: the number comes last
    invoice.written_lines = InvoiceLine.objects.bulk_create([
        InvoiceLine(workspace_id=workspace.pk, invoice=invoice, **line.model_fields())
        for line in priced
    ])
    if salesmen:
        invoice.salesmen.set(salesmen)
    invoice.written_salesmen = sorted(salesmen, key=lambda s: (s.name, s.pk))
    record_effects(invoice, stock=invoice.stock_revision > 0)
    if draft:
        activity_record(workspace=workspace, actor=actor, verb="created", target=invoice,
                        description=_("Draft created"),
                        data={"total": str(invoice.total_amount)})
    else:
        wanted = invoice_events.issue_wanted(invoice)  # reads come before the number
        _take_number(invoice, actor=actor, description_data={"total": str(invoice.total_amount)})
        invoice_events.issued(invoice, wanted)
    return invoice


@requires("invoice_issue")
@transaction.atomic
def invoice_issue(*, invoice: Invoice, actor: Any) -> Invoice:
    invoice = lock_invoice(invoice)
    InvoicePolicy(invoice, actor).check("issue")
    if not invoice.contact.is_active:
        raise InvalidInput(_("The contact %(name)s is inactive.")
                           % {"name": invoice.contact.name}, field="contact_id")
    lines = list(InvoiceLine.objects.filter(invoice=invoice).select_related("product"))
    moves_stock = any(line.product is not None and line.product.tracks_inventory
                      for line in lines)
    if invoice.document_subtype.is_fiscal:
        for index, line in enumerate(lines):
            check_fiscal_line_taxes(line.taxes, field=f"items.{index}.tax_ids")
    _prepare_issue(invoice, moves_stock=moves_stock)
    invoice.ecf_lines = lines  # what the issuing hooks read, so nothing is read after the number
    invoice.save()
    record_effects(invoice, stock=moves_stock)
    wanted = invoice_events.issue_wanted(invoice, lines)  # reads come before the number
    _take_number(invoice, actor=actor)
    invoice_events.issued(invoice, wanted)
    return invoice


# --- Changing -------------------------------------------------------------------------------


def _current_values(invoice: Invoice) -> dict[str, Any]:
    """The invoice's fields as the update compares them (as stored)."""
    return {"contact_id": invoice.contact_id, "document_subtype_id": invoice.document_subtype_id,
            "issue_date": invoice.issue_date, "due_date": invoice.due_date,
            "payment_term": invoice.payment_term, "notes": invoice.notes,
            "currency_id": invoice.currency_id}


def invoice_lines_unchanged(invoice: Invoice, items: Sequence[dict]) -> bool:
    """Whether `items` price to exactly the stored lines (a GET, or the edit page's lines,
    sent back unchanged)."""
    try:
        priced = line_pricing.resolve_lines(workspace_id=invoice.workspace_id, items=items)
    except InvalidInput:
        return False
    stored = list(InvoiceLine.objects.filter(invoice=invoice).order_by("position", "id"))
    if len(stored) != len(priced):
        return False
    for line, new in zip(stored, priced, strict=True):
        fields = new.model_fields()
        fields["product_id"] = fields.pop("product").pk if fields["product"] else None
        for name, value in fields.items():
            if name != "position" and getattr(line, name) != value:
                return False
    return True


UPDATABLE = {"contact_id", "document_subtype_id", "issue_date", "due_date", "payment_term",
             "notes", "currency_id", "salesman_ids", "items"}


@requires("invoice_update")
@transaction.atomic
def invoice_update(*, invoice: Invoice, actor: Any, **changes: Any) -> Invoice:
    """Change an invoice (API.md PATCH). A draft changes freely; an issued invoice is a
    fiscal document and changes only in what its policy lets change (notes, terms, due date,
    salesmen — an e-CF not even its terms): anything else is 409 `document_issued`."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    invoice = lock_invoice(invoice)
    workspace = invoice.workspace
    policy = InvoicePolicy(invoice, actor)
    watch = invoice_events.UpdateWatch(invoice)
    issued = invoice.status != InvoiceStatus.DRAFT
    if issued:
        if "items" in changes and "items" not in policy.editable_fields \
                and invoice_lines_unchanged(invoice, changes["items"]):
            changes.pop("items")
        policy.check_changes({k: v for k, v in changes.items()}, _current_values(invoice)
                             | ({"items": object()} if "items" in changes else {}))
    else:
        policy.check("edit")

    if "contact_id" in changes:
        invoice.contact = contact_in_workspace(workspace, changes["contact_id"])
    if "document_subtype_id" in changes:
        invoice.document_subtype = _invoice_subtype(workspace, changes["document_subtype_id"])
    if "currency_id" in changes:
        invoice.currency = currency_in_workspace(workspace, changes["currency_id"])
    salesmen = salesmen_in_workspace(workspace, changes["salesman_ids"]) \
        if "salesman_ids" in changes else None
    for name in ("issue_date", "due_date"):
        if changes.get(name) is not None:
            check_date(changes[name], name)
            setattr(invoice, name, changes[name])
    if "issue_date" in changes and "due_date" not in changes \
            and invoice.due_date < invoice.issue_date:
        invoice.due_date = invoice.issue_date
    _check_dates(invoice.issue_date, invoice.due_date)
    for name in ("payment_term", "notes"):
        if name in changes:
            setattr(invoice, name, changes[name] or "")

    lines_changed = "items" in changes
    if lines_changed:
        priced = line_pricing.resolve_lines(workspace_id=workspace.pk, items=changes["items"])
        figures = line_pricing.document_figures(priced)
        InvoiceLine.objects.filter(invoice=invoice).delete()
        InvoiceLine.objects.bulk_create([
            InvoiceLine(workspace_id=invoice.workspace_id, invoice=invoice,
                        **line.model_fields()) for line in priced])
        invoice.subtotal_amount, invoice.discount_amount = figures.subtotal, figures.discount
        invoice.tax_amount, invoice.total_amount = figures.tax, figures.total
    if salesmen is not None:
        invoice.salesmen.set(salesmen)
    if not issued:  # an issued invoice keeps the rate fixed when it was issued
        invoice.exchange_rate = exchange_rate_on(currency=invoice.currency,
                                                 on=invoice.issue_date)
    invoice.save()
    activity_record(workspace=workspace, actor=actor, verb="updated", target=invoice,
                    description=_("Lines changed") if lines_changed else _("Details changed"),
                    data={"fields": sorted(changes)})
    record_effects(invoice)
    watch.done()
    return invoice


@requires("invoice_delete")
@transaction.atomic
def invoice_delete(*, invoice: Invoice, actor: Any) -> None:
    """Only drafts are deleted; issued invoices are fiscal documents (cancel them)."""
    invoice = lock_invoice(invoice)
    InvoicePolicy(invoice, actor).check("delete")
    activity_record(workspace=invoice.workspace, actor=actor, verb="deleted", target=invoice,
                    description=_("Draft deleted"))
    invoice.salesmen.clear()
    count_cache.changed(invoice.workspace_id)
    draft_id = invoice.pk
    invoice.delete()
    invoice.pk = draft_id  # the preview PDFs of the draft go once the delete is committed

    def forget_pdfs():
        from invoicing.documents.pdf import delete_document_pdfs

        delete_document_pdfs(invoice, kind="invoice")

    transaction.on_commit(forget_pdfs)


@requires("invoice_cancel")
@transaction.atomic
def invoice_cancel(*, invoice: Invoice, actor: Any, reason_code: str,
                   reason: str = "") -> Invoice:
    """Void an issued, unpaid invoice with a DGII 608 reason. The number stays used."""
    if reason_code not in CancellationReason.values:
        raise InvalidInput(_("Use a DGII 608 reason code from 01 to 10."), field="reason_code")
    invoice = lock_invoice(invoice)
    InvoicePolicy(invoice, actor).check("cancel")
    issuing.run_cancelling(invoice)  # e.g. an e-CF: its DGII state decides
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
    record_effects(invoice, stock=moves_stock)
    invoice_events.emit_now("invoice.cancelled", invoice)
    return invoice
