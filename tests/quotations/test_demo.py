"""The demo seeder: quotations in every state, one converted, and nothing added on a second
run."""

import pytest

from invoicing.contacts import demo as contacts_demo
from invoicing.invoices.models import Invoice
from invoicing.products import demo as products_demo
from invoicing.quotations import demo
from invoicing.quotations.models import Quotation

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_every_state(workspace, owner):
    contacts_demo.seed(workspace, owner)
    products_demo.seed(workspace, owner)
    demo.seed(workspace, owner)
    statuses = sorted(Quotation.objects.filter(workspace=workspace)
                      .values_list("status", flat=True))
    assert statuses == sorted(["draft", "sent", "accepted", "rejected", "invoiced",
                               "expired"])
    converted = Quotation.objects.get(workspace=workspace, status="invoiced")
    assert converted.invoice.total_amount == converted.total_amount
    invoices = Invoice.objects.filter(workspace=workspace).count()
    demo.seed(workspace, owner)
    assert Quotation.objects.filter(workspace=workspace).count() == 6
    assert Invoice.objects.filter(workspace=workspace).count() == invoices


def test_seed_without_catalog_does_nothing(workspace, owner):
    demo.seed(workspace, owner)
    assert not Quotation.objects.exists()
