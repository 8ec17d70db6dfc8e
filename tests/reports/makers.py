from tests.invoices.helpers import fiscal_subtype, make_invoice


def make_reported_invoice(workspace):
    """A fiscal invoice of this month, unpaid: it shows in every report of its workspace."""
    return make_invoice(workspace, subtype=fiscal_subtype(workspace, "B01"))


MAKERS = {"reports": make_reported_invoice}
