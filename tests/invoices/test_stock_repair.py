"""`stock_repair` isolates failures: an invoice whose stock cannot be written is reported
and skipped, the others are repaired, and the command succeeds."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from invoicing.products.models import Product, StockMovement
from invoicing.products.stock import stock_manual_record
from tests.invoices.helpers import make_invoice, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(workspace, owner):
    """Three issued invoices whose stock task was lost (no on_commit callbacks run here);
    the middle one sells a product already at the bottom of what its column can hold."""
    full = product(workspace, name="Cemento", tracks_inventory=True)
    stock_manual_record(workspace=workspace, product=full, quantity="-9999999999.9999",
                        kind="adjustment", note="Extremo", actor=owner)
    rice = product(workspace, name="Arroz", tracks_inventory=True)
    first = make_invoice(workspace, items=[{"product_id": rice.pk, "quantity": "2"}])
    broken = make_invoice(workspace, items=[{"product_id": full.pk, "quantity": "1"}])
    last = make_invoice(workspace, items=[{"product_id": rice.pk, "quantity": "3"}])
    return rice, full, first, broken, last


def test_one_failing_invoice_does_not_stop_the_others(pending):
    rice, full, first, broken, last = pending
    out, err = StringIO(), StringIO()
    call_command("stock_repair", stdout=out, stderr=err)  # no CommandError: it succeeds

    assert Product.objects.get(pk=rice.pk).stock_quantity == Decimal("-5")
    assert StockMovement.objects.filter(invoice__in=[first, last]).count() == 2
    assert not StockMovement.objects.filter(invoice=broken).exists()
    assert Product.objects.get(pk=full.pk).stock_quantity == Decimal("-9999999999.9999")
    assert f"Invoice {broken.pk} not repaired" in err.getvalue()
    assert "2 invoice(s) repaired, 2 movement(s) written, 1 failed" in out.getvalue()
    broken.refresh_from_db()
    assert broken.stock_synced_revision < broken.stock_revision  # still pending, for later
