from tests.notes.helpers import b01_invoice, credit, debit


def make_credit_note(workspace):
    return credit(workspace, b01_invoice(workspace), full=True)


def make_debit_note(workspace):
    from tests.notes.helpers import amount_line

    return debit(workspace, b01_invoice(workspace), items=[amount_line("50.00", workspace)])


def make_contact_with_credit(workspace):
    from tests.invoices.helpers import customer

    return customer(workspace)


MAKERS = {
    "credit-note": make_credit_note,
    "debit-note": make_debit_note,
    "contact-refund": make_contact_with_credit,
}
