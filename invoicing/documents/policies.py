"""What may happen to one document, and who may do it: the one place that answers.

Services call `policy.check(action)` before they change anything and raise its answer; the
edit forms read `editable_fields`, the templates `policy.can`, the serializers and the PDF the
same properties. Each answer combines the document's state (a Conflict naming why not, 409)
with the actor's role from the role table (`workspaces.roles`, 403).

States are the models' status values; this module names them as strings so that it needs
none of the apps that build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, DomainError
from workspaces.authorization import acting_role
from workspaces.roles import may

DRAFT, CANCELLED = "draft", "cancelled"

# An issued fiscal document is final (DOMAIN.md): it changes only in what prints no figure
# and no party. An e-CF's signed XML also carries its terms and due date.
ISSUED_EDITABLE = frozenset({"notes", "payment_term", "due_date", "salesman_ids"})
ECF_EDITABLE = frozenset({"notes", "salesman_ids"})
INVOICE_FIELDS = frozenset({"contact_id", "document_subtype_id", "issue_date", "due_date",
                            "payment_term", "notes", "currency_id", "salesman_ids", "items"})
QUOTATION_FIELDS = frozenset({"contact_id", "document_subtype_id", "issue_date",
                              "valid_until", "payment_term", "notes", "currency_id",
                              "salesman_ids", "items"})


@dataclass(frozen=True)
class Rule:
    service: str  # the role table's action
    refusal: Callable[[Any], DomainError | None]  # why the document's state refuses, or None


class Policy:
    """The answers for one document and one actor. Subclasses list their `rules`."""

    rules: dict[str, Rule] = {}

    def __init__(self, document: Any, actor: Any = None, *, role: str | None = None):
        self.document = document
        self.actor = actor
        self._role = role

    @cached_property
    def role(self) -> str | None:
        if self._role is not None:
            return self._role
        return acting_role(self.actor, self.document.workspace_id)

    def refusal(self, action: str) -> DomainError | None:
        """Why the document's state refuses `action` now (ignoring the role), or None."""
        return self.rules[action].refusal(self.document)

    def role_allows(self, action: str) -> bool:
        return may(self.role, self.rules[action].service)

    def allows(self, action: str) -> bool:
        return self.role_allows(action) and self.refusal(action) is None

    def check(self, action: str) -> None:
        """Raise the state's refusal (the role is checked by the service's `requires`)."""
        error = self.refusal(action)
        if error is not None:
            raise error

    @cached_property
    def can(self) -> dict[str, bool]:
        """{action: allowed} for the templates."""
        return {action: self.allows(action) for action in self.rules}


# --- Invoices -------------------------------------------------------------------------------


def _label(document) -> str:
    return str(document)


def is_electronic(document) -> bool:
    number = document.document_number or ""
    subtype = getattr(document, "document_subtype", None)
    ncf_type = getattr(subtype, "ncf_type", None) or number[:3]
    return bool(ncf_type) and ncf_type.startswith("E")


def _invoice_state(invoice) -> DomainError | None:
    if invoice.status == CANCELLED:
        return Conflict(_("%(number)s is cancelled and cannot change.")
                        % {"number": _label(invoice)}, code="invoice_cancelled")
    return None


def _invoice_notes(invoice) -> Decimal:
    return (getattr(invoice, "credited_amount", None) or Decimal(0)) + \
        (getattr(invoice, "debited_amount", None) or Decimal(0))


def _refuse_issue(invoice) -> DomainError | None:
    if invoice.status != DRAFT:
        return Conflict(_("%(number)s is already issued; only drafts can be issued.")
                        % {"number": _label(invoice)}, code="invoice_not_draft")
    return None


def _refuse_delete(invoice) -> DomainError | None:
    if invoice.status != DRAFT:
        return Conflict(_("%(number)s is an issued fiscal document and is never erased; cancel "
                          "it instead.") % {"number": _label(invoice)},
                        code="invoice_not_deletable")
    return None


def _refuse_cancel(invoice) -> DomainError | None:
    if invoice.status == DRAFT:
        return Conflict(_("A draft has no number to void; delete it instead."),
                        code="invoice_is_draft")
    if invoice.status == CANCELLED:
        return Conflict(_("%(number)s is already cancelled.") % {"number": _label(invoice)},
                        code="invoice_cancelled")
    if invoice.amount_paid > 0:
        return Conflict(_("%(number)s has payments. Refund them (delete the payments) or issue "
                          "a credit note.") % {"number": _label(invoice)},
                        code="invoice_has_payments")
    if _invoice_notes(invoice) > 0:
        return Conflict(_("%(number)s has credit or debit notes; it is corrected by notes now, "
                          "not voided.") % {"number": _label(invoice)},
                        code="invoice_has_notes")
    return None


def _refuse_payment(invoice) -> DomainError | None:
    if invoice.status == DRAFT:
        return Conflict(_("Issue the invoice before recording payments."),
                        code="invoice_is_draft")
    if invoice.status == CANCELLED:
        return Conflict(_("%(number)s is cancelled; it takes no payments.")
                        % {"number": _label(invoice)}, code="invoice_cancelled")
    return None


def _refuse_note(invoice) -> DomainError | None:
    if invoice.status in (DRAFT, CANCELLED):
        return Conflict(_("Notes correct issued documents; %(number)s is %(status)s.")
                        % {"number": _label(invoice), "status": invoice.get_status_display()},
                        code=f"invoice_{'is_draft' if invoice.status == DRAFT else 'cancelled'}")
    if getattr(invoice, "annulled", False):
        return Conflict(_("%(number)s was annulled by a credit note; nothing more can be issued "
                          "against it.") % {"number": _label(invoice)},
                        code="document_annulled")
    return None


def _refuse_send(invoice) -> DomainError | None:
    if invoice.status == DRAFT:
        return Conflict(_("Issue the invoice before sending it."), code="invoice_is_draft")
    return None


class InvoicePolicy(Policy):
    rules = {
        "edit": Rule("invoice_update", _invoice_state),
        "issue": Rule("invoice_issue", _refuse_issue),
        "delete": Rule("invoice_delete", _refuse_delete),
        "cancel": Rule("invoice_cancel", _refuse_cancel),
        "pay": Rule("payment_record", _refuse_payment),
        "delete_payment": Rule("payment_delete", _invoice_state),
        "credit": Rule("credit_note_issue", _refuse_note),
        "debit": Rule("debit_note_issue", _refuse_note),
        "send": Rule("document_send", _refuse_send),
    }

    @property
    def editable_fields(self) -> frozenset[str]:
        """The fields an update may change (API.md PATCH): everything on a draft, the terms
        and notes on an issued document, nothing once cancelled."""
        invoice = self.document
        if invoice.status == DRAFT:
            return INVOICE_FIELDS
        if invoice.status == CANCELLED:
            return frozenset()
        return ECF_EDITABLE if is_electronic(invoice) else ISSUED_EDITABLE

    def check_changes(self, changes: dict[str, Any], current: dict[str, Any]) -> None:
        """Refuse (409 `document_issued`) a change of a field the document keeps. Values are
        compared as stored: sending back what a GET returned is no change."""
        self.check("edit")
        allowed = self.editable_fields
        for name, value in changes.items():
            if name in allowed or name not in current:
                continue
            if value != current[name]:
                raise Conflict(
                    _("%(number)s is an issued fiscal document: %(field)s cannot change. "
                      "Correct it with a credit or debit note.")
                    % {"number": _label(self.document), "field": name},
                    code="document_issued", field=name)


# --- Quotations -----------------------------------------------------------------------------


OPEN_QUOTATION = ("draft", "sent")
CONVERTIBLE_QUOTATION = ("draft", "sent", "accepted")


def _quotation_lapsed(quotation) -> DomainError | None:
    if quotation.status in OPEN_QUOTATION and quotation.valid_until < timezone.localdate():
        date = quotation.valid_until.strftime("%d/%m/%Y")
        return Conflict(_("%(number)s expired on %(date)s (valid until %(date)s); create a new "
                          "quotation.") % {"number": _label(quotation), "date": date},
                        code="quotation_expired")
    return None


def _quotation_state(quotation, allowed: tuple[str, ...], what: str) -> DomainError | None:
    if quotation.status not in allowed:
        return Conflict(_("%(what)s: %(number)s is %(status)s.")
                        % {"what": what, "number": _label(quotation),
                           "status": quotation.get_status_display().lower()},
                        code=f"quotation_{quotation.status}")
    return _quotation_lapsed(quotation)


class QuotationPolicy(Policy):
    rules = {
        "edit": Rule("quotation_update",
                     lambda q: _quotation_state(q, OPEN_QUOTATION, _("Cannot edit"))),
        "delete": Rule("quotation_delete",
                       lambda q: _quotation_state(q, ("draft",), _("Cannot delete"))),
        # Emailing it (API.md `POST /quotations/{id}/send`): a draft becomes sent; a sent or
        # accepted one may go again (a copy); a closed offer is not sent.
        "send": Rule("document_send",
                     lambda q: _quotation_state(q, CONVERTIBLE_QUOTATION, _("Cannot send"))),
        "accept": Rule("quotation_accept",
                       lambda q: _quotation_state(q, ("sent",), _("Cannot accept"))),
        "reject": Rule("quotation_reject",
                       lambda q: _quotation_state(q, ("sent",), _("Cannot reject"))),
        "convert": Rule("quotation_convert",
                        lambda q: _quotation_state(q, CONVERTIBLE_QUOTATION,
                                                   _("Cannot convert"))),
    }

    @property
    def editable_fields(self) -> frozenset[str]:
        # The number belongs to its series: a quotation's series never changes.
        return QUOTATION_FIELDS - {"document_subtype_id"} if self.allows("edit") \
            else frozenset()


# --- Credit and debit notes -----------------------------------------------------------------


def _refuse_note_cancel(note) -> DomainError | None:
    if note.status == CANCELLED:
        return Conflict(_("%(number)s is already cancelled.") % {"number": _label(note)},
                        code="note_cancelled")
    if is_electronic(note):
        # DGII received it: only another note corrects it (DOMAIN.md "DGII web services").
        return Conflict(_("%(number)s is an e-CF that DGII has: correct it with another note.")
                        % {"number": _label(note)}, code="ecf_note_not_voidable")
    return None


class NotePolicy(Policy):
    """A note is issued at once and never edited; a B-series one may be voided."""

    rules = {
        "cancel": Rule("note_cancel", _refuse_note_cancel),
        "send": Rule("document_send", lambda note: None),
    }
