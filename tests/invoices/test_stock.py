"""Stock follows invoices through the background task, exactly once."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from invoicing.invoices import services
from invoicing.invoices.models import Invoice
from invoicing.products.models import Product, StockMovement
from tests.invoices.helpers import make_invoice, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods(workspace):
    a = product(workspace, name="Arroz 5 lb", tracks_inventory=True)
    b = product(workspace, name="Aceite 1 L", tracks_inventory=True)
    service = product(workspace, name="Instalación")
    return a, b, service


def stock(item) -> Decimal:
    return Product.objects.get(pk=item.pk).stock_quantity


def test_issue_writes_one_sale_per_inventory_line(workspace, goods,
                                                  django_capture_on_commit_callbacks):
    a, b, service = goods
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace, items=[
            {"product_id": a.pk, "quantity": "2"}, {"product_id": a.pk, "quantity": "1"},
            {"product_id": b.pk, "quantity": "4"}, {"product_id": service.pk, "quantity": "1"},
        ])
    sales = StockMovement.objects.filter(invoice=invoice)
    assert sales.count() == 3 and {m.kind for m in sales} == {"sale"}
    assert (stock(a), stock(b), stock(service)) == (Decimal("-3"), Decimal("-4"), Decimal("0"))
    invoice.refresh_from_db()
    assert invoice.stock_synced_revision == invoice.stock_revision == 1


def test_running_the_task_again_changes_nothing(workspace, goods,
                                                django_capture_on_commit_callbacks):
    from invoicing.invoices.stock import invoice_stock_sync

    def sync_invoice_stock(pk):
        return invoice_stock_sync(invoice_id=pk)

    a, *_ = goods
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "2"}])
    sync_invoice_stock(invoice.pk)
    # A retry after a crash that lost the revision bookkeeping: the unique key still holds.
    Invoice.objects.filter(pk=invoice.pk).update(stock_synced_revision=0)
    sync_invoice_stock(invoice.pk)
    assert StockMovement.objects.filter(invoice=invoice).count() == 1
    assert stock(a) == Decimal("-2")


def test_drafts_move_no_stock(workspace, goods, django_capture_on_commit_callbacks):
    a, *_ = goods
    with django_capture_on_commit_callbacks(execute=True):
        make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "2"}], draft=True)
    assert stock(a) == 0 and not StockMovement.objects.exists()


def test_changing_lines_writes_the_difference(workspace, goods,
                                              django_capture_on_commit_callbacks):
    a, b, _ = goods
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "5"}])
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_update(invoice=invoice, actor=None, items=[
            {"product_id": a.pk, "quantity": "3"}, {"product_id": b.pk, "quantity": "1"}])
    assert (stock(a), stock(b)) == (Decimal("-3"), Decimal("-1"))
    kinds = sorted(StockMovement.objects.filter(invoice=invoice).values_list("kind", flat=True))
    assert kinds == ["sale", "sale", "sale_reversal"]


def test_cancel_brings_the_stock_back(workspace, goods, django_capture_on_commit_callbacks):
    a, b, _ = goods
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "5"},
                                                 {"product_id": b.pk, "quantity": "2"}])
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_cancel(invoice=invoice, actor=None, reason_code="06")
    assert (stock(a), stock(b)) == (Decimal("0"), Decimal("0"))
    assert StockMovement.objects.filter(invoice=invoice, kind="sale_reversal").count() == 2


def test_stock_repair_writes_what_a_lost_message_missed(workspace, goods):
    a, *_ = goods
    # No on_commit callbacks run here: as if the broker lost the message.
    invoice = make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "7"}])
    assert stock(a) == 0
    call_command("stock_repair", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stock(a) == Decimal("-7")
    call_command("stock_repair", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stock(a) == Decimal("-7")
    assert StockMovement.objects.filter(invoice=invoice).count() == 1


def test_stock_equals_the_sum_of_movements(workspace, goods,
                                           django_capture_on_commit_callbacks):
    from django.db.models import Sum

    a, *_ = goods
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace, items=[{"product_id": a.pk, "quantity": "1.5"}])
        services.invoice_update(invoice=invoice, actor=None,
                                items=[{"product_id": a.pk, "quantity": "4"}])
    total = StockMovement.objects.filter(product=a).aggregate(s=Sum("quantity"))["s"]
    assert stock(a) == total == Decimal("-4")

