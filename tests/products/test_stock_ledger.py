"""The stock ledger service: append-only movements, stock = Σ movements, exactly-once by
source key, sign rules per kind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from invoicing.core.errors import InvalidInput
from invoicing.products.models import MovementKind, Product, StockMovement
from invoicing.products.stock import (
    StockEntry,
    stock_manual_record,
    stock_movement_record,
    stock_movements_record_many,
)
from tests.factories import InvoiceFactory, ProductFactory
from workspaces.models import Activity

pytestmark = pytest.mark.django_db


def ledger_sum(product) -> Decimal:
    return StockMovement.objects.filter(product=product).aggregate(s=Sum("quantity"))["s"] \
        or Decimal("0")


@pytest.fixture
def product(workspace):
    return ProductFactory(workspace=workspace, tracks_inventory=True)


def test_a_movement_moves_the_stock_and_is_logged(workspace, owner, product):
    movement = stock_movement_record(workspace=workspace, product=product, quantity="12.5",
                                     kind=MovementKind.PURCHASE, note="Factura proveedor 881",
                                     actor=owner)
    assert movement.quantity == Decimal("12.5000")
    assert movement.created_by == owner
    assert product.stock_quantity == Decimal("12.5")  # refreshed in place
    stock_movement_record(workspace=workspace, product=product, quantity=Decimal("-20"),
                          kind=MovementKind.ADJUSTMENT, note="Conteo físico", actor=owner)
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("-7.5") == ledger_sum(product)
    assert Activity.objects.filter(workspace=workspace, verb="stock_adjustment",
                                   target_id=product.pk).count() == 1


def test_negative_stock_is_allowed_for_sales(workspace, product):
    invoice = InvoiceFactory(workspace=workspace)
    stock_movement_record(workspace=workspace, product=product, quantity="-3",
                          kind=MovementKind.SALE, invoice=invoice, actor=None,
                          source_key=f"inv:{invoice.pk}:l1")
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("-3")
    assert StockMovement.objects.get(product=product).invoice == invoice


def test_same_source_key_is_recorded_once(workspace, product):
    entries = [StockEntry(product_id=product.pk, quantity=Decimal("-2"), kind="sale",
                          note="INV-0001", source_key="inv:1:r1:l1")]
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=entries) == 1
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=entries) == 0
    again = stock_movement_record(workspace=workspace, product=product, quantity="-2",
                                  kind="sale", source_key="inv:1:r1:l1")
    assert again is None
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("-2") == ledger_sum(product)
    assert StockMovement.objects.filter(source_key="inv:1:r1:l1").count() == 1


def test_a_batch_rerun_writes_only_what_is_missing(workspace, product):
    other = ProductFactory(workspace=workspace, tracks_inventory=True)
    first = [StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale",
                        source_key="k1")]
    stock_movements_record_many(workspace_id=workspace.pk, entries=first)
    batch = [
        StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale", source_key="k1"),
        StockEntry(product_id=other.pk, quantity=Decimal("-4"), kind="sale", source_key="k2"),
        StockEntry(product_id=product.pk, quantity=Decimal("-5"), kind="sale", source_key="k3"),
    ]
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=batch) == 2
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=batch) == 0
    product.refresh_from_db()
    other.refresh_from_db()
    assert product.stock_quantity == Decimal("-6") == ledger_sum(product)
    assert other.stock_quantity == Decimal("-4") == ledger_sum(other)


def test_source_keys_are_per_workspace(workspace, other_workspace, product):
    foreign = ProductFactory(workspace=other_workspace, tracks_inventory=True)
    for ws, prod in ((workspace, product), (other_workspace, foreign)):
        assert stock_movement_record(workspace=ws, product=prod, quantity="-1", kind="sale",
                                     source_key="inv:7:l1") is not None


def test_batch_invoice_id_applies_to_its_entries(workspace, product):
    invoice = InvoiceFactory(workspace=workspace)
    stock_movements_record_many(workspace_id=workspace.pk, invoice_id=invoice.pk, entries=[
        StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale", source_key="a"),
    ])
    assert StockMovement.objects.get(source_key="a").invoice_id == invoice.pk


def test_empty_batch_writes_nothing(workspace):
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=[]) == 0


@pytest.mark.parametrize(("kind", "quantity", "field"), [
    ("sale", "2", "quantity"),
    ("sale_reversal", "-2", "quantity"),
    ("purchase", "-2", "quantity"),
    ("adjustment", "0", "quantity"),
    ("adjustment", "0.00001", "quantity"),  # rounds to 0 at 4 decimals
    ("adjustment", "1e12", "quantity"),
    ("adjustment", "abc", "quantity"),
    ("theft", "1", "kind"),
])
def test_bad_movements_are_refused_and_nothing_moves(workspace, product, kind, quantity, field):
    with pytest.raises(InvalidInput) as caught:
        stock_movement_record(workspace=workspace, product=product, quantity=quantity,
                              kind=kind, note="x")
    assert field in caught.value.fields
    product.refresh_from_db()
    assert product.stock_quantity == 0
    assert not StockMovement.objects.exists()


def test_a_bad_entry_refuses_the_whole_batch(workspace, product):
    with pytest.raises(InvalidInput) as caught:
        stock_movements_record_many(workspace_id=workspace.pk, entries=[
            StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale"),
            StockEntry(product_id=product.pk, quantity=Decimal("1"), kind="sale"),
        ])
    assert "entries.1.quantity" in caught.value.fields
    assert not StockMovement.objects.exists()


def test_duplicate_keys_in_one_batch_are_refused(workspace, product):
    entry = StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale",
                       source_key="dup")
    with pytest.raises(InvalidInput):
        stock_movements_record_many(workspace_id=workspace.pk, entries=[entry, entry])


def test_foreign_product_or_invoice_is_refused(workspace, other_workspace, product):
    foreign = ProductFactory(workspace=other_workspace)
    with pytest.raises(InvalidInput) as caught:
        stock_movement_record(workspace=workspace, product=foreign, quantity="1",
                              kind="adjustment", note="x")
    assert "product_id" in caught.value.fields
    foreign_invoice = InvoiceFactory(workspace=other_workspace)
    with pytest.raises(InvalidInput) as caught:
        stock_movement_record(workspace=workspace, product=product, quantity="-1",
                              kind="sale", invoice=foreign_invoice)
    assert "invoice_id" in caught.value.fields
    assert not StockMovement.objects.exists()


def test_manual_movements_need_a_note_and_an_inventory_product(workspace, owner, product):
    with pytest.raises(InvalidInput) as caught:
        stock_manual_record(workspace=workspace, product=product, quantity="1",
                            kind="adjustment", note="  ", actor=owner)
    assert "note" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        stock_manual_record(workspace=workspace, product=product, quantity="-1", kind="sale",
                            note="x", actor=owner)
    assert "kind" in caught.value.fields
    service = ProductFactory(workspace=workspace, tracks_inventory=False)
    with pytest.raises(InvalidInput) as caught:
        stock_manual_record(workspace=workspace, product=service, quantity="1",
                            kind="adjustment", note="x", actor=owner)
    assert "product_id" in caught.value.fields


def test_movements_are_append_only(workspace, product):
    movement = stock_movement_record(workspace=workspace, product=product, quantity="1",
                                     kind="adjustment", note="x")
    movement.quantity = Decimal("5")
    with pytest.raises(ValueError):
        movement.save()
    with pytest.raises(ValueError):
        movement.delete()
    assert Product.objects.get(pk=product.pk).stock_quantity == Decimal("1")


def test_a_large_batch_is_written_in_chunks(workspace, product, monkeypatch):
    from invoicing.products import stock

    monkeypatch.setattr(stock, "INSERT_CHUNK", 7)
    entries = [StockEntry(product_id=product.pk, quantity=Decimal("-1"), kind="sale",
                          source_key=f"big:{n}") for n in range(30)]
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=entries[:10]) == 10
    assert stock_movements_record_many(workspace_id=workspace.pk, entries=entries) == 20
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("-30") == ledger_sum(product)
