"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from __future__ import annotations

from tests.invoices.helpers import make_invoice
from tests.notes.makers import make_credit_note, make_debit_note
from tests.quotations.helpers import make_quotation


def make_recurring(workspace):
    from invoicing.outreach.recurring import recurring_create
    from tests.invoices.helpers import customer, plain_subtype

    return recurring_create(workspace=workspace, actor=None,
                            contact_id=customer(workspace, email="pagos@cliente.do").pk,
                            document_subtype_id=plain_subtype(workspace).pk,
                            items=[{"description": "Mantenimiento", "quantity": "1",
                                    "unit_price": "500.00"}])


def make_settings(workspace):
    from invoicing.outreach.services import outreach_settings_update

    return outreach_settings_update(workspace=workspace, actor=None, reminders_enabled=True)


MAKERS = {
    "invoice-outreach": lambda workspace: make_invoice(workspace),
    "quotation-outreach": make_quotation,
    "credit-note-outreach": make_credit_note,
    "debit-note-outreach": make_debit_note,
    "recurring-invoice": make_recurring,
    "outreach-settings": make_settings,
}
