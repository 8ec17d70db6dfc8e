from tests.factories import SalesmanFactory
from tests.invoices.helpers import make_invoice


def make_payment(workspace):
    from invoicing.invoices.payments import payment_record

    invoice = make_invoice(workspace)
    return payment_record(invoice=invoice, actor=None, amount="100.00")


MAKERS = {
    "invoice": lambda workspace: make_invoice(workspace, draft=True),
    "payment": make_payment,
    "salesman": lambda workspace: SalesmanFactory(workspace=workspace),
}
