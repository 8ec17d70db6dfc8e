"""The documents' policies: one answer for what may happen to a document, read by services,
pages and templates alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.core.errors import Conflict
from invoicing.documents.policies import (
    ECF_EDITABLE,
    INVOICE_FIELDS,
    ISSUED_EDITABLE,
    InvoicePolicy,
    QuotationPolicy,
)
from invoicing.invoices import payments, services
from tests.invoices.helpers import make_invoice
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_a_draft_changes_freely_and_issues_but_takes_no_payment(workspace):
    draft = make_invoice(workspace, draft=True)
    policy = InvoicePolicy(draft, role=Role.OWNER)
    assert policy.editable_fields == INVOICE_FIELDS
    assert policy.can["issue"] and policy.can["delete"]
    assert not policy.can["pay"] and not policy.can["cancel"]
    assert policy.refusal("pay").code == "invoice_is_draft"


def test_an_issued_invoice_changes_only_its_notes_terms_due_date_and_salesmen(workspace):
    invoice = make_invoice(workspace)
    policy = InvoicePolicy(invoice, role=Role.OWNER)
    assert policy.editable_fields == ISSUED_EDITABLE == {"notes", "payment_term", "due_date",
                                                         "salesman_ids"}
    assert not policy.can["issue"] and not policy.can["delete"]
    assert policy.can["cancel"] and policy.can["pay"] and policy.can["credit"]
    with pytest.raises(Conflict) as refused:
        policy.check_changes({"contact_id": invoice.contact_id + 1}, {"contact_id":
                                                                      invoice.contact_id})
    assert refused.value.code == "document_issued"
    # Sending back what it holds is no change.
    policy.check_changes({"contact_id": invoice.contact_id}, {"contact_id": invoice.contact_id})


def test_an_ecf_keeps_its_terms_and_due_date_too(workspace):
    invoice = make_invoice(workspace)
    invoice.document_number = "E310000000001"  # what an E-series number looks like
    invoice.document_subtype.ncf_type = "E31"
    assert InvoicePolicy(invoice, role=Role.OWNER).editable_fields == ECF_EDITABLE


def test_paid_or_part_paid_invoices_cannot_be_cancelled(workspace, owner):
    invoice = make_invoice(workspace)
    payments.payment_record(invoice=invoice, actor=owner, amount=Decimal("1.00"))
    invoice.refresh_from_db()
    policy = InvoicePolicy(invoice, role=Role.OWNER)
    assert not policy.can["cancel"]
    assert policy.refusal("cancel").code == "invoice_has_payments"


def test_a_cancelled_invoice_allows_nothing(workspace, owner):
    invoice = services.invoice_cancel(invoice=make_invoice(workspace), actor=owner,
                                      reason_code="04")
    policy = InvoicePolicy(invoice, role=Role.OWNER)
    assert policy.editable_fields == frozenset()
    assert not any(policy.can[action] for action in ("edit", "cancel", "pay", "credit",
                                                     "debit", "issue", "delete"))


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.VIEWER, set()),
    (Role.SELLER, {"edit", "pay", "send"}),
    (Role.ACCOUNTANT, {"edit", "pay", "send", "cancel", "credit", "debit", "delete_payment"}),
    (Role.OWNER, {"edit", "pay", "send", "cancel", "credit", "debit", "delete_payment"}),
])
def test_the_answer_combines_state_and_role(workspace, role, allowed):
    policy = InvoicePolicy(make_invoice(workspace), role=role)
    assert {action for action, yes in policy.can.items() if yes} == allowed


def test_quotation_answers(workspace, owner):
    from tests.quotations.helpers import make_quotation

    quotation = make_quotation(workspace)
    policy = QuotationPolicy(quotation, role=Role.SELLER)
    assert policy.can["edit"] and policy.can["convert"] and policy.can["send"]
    assert not policy.can["accept"]  # only a sent quotation is accepted
    assert "document_subtype_id" not in policy.editable_fields
    assert QuotationPolicy(quotation, role=Role.VIEWER).can["edit"] is False
