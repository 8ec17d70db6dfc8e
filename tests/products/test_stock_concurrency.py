"""Concurrent writers on real PostgreSQL: the stock stays the sum of the ledger, and a batch
run by several workers at once is written once."""

from __future__ import annotations

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from invoicing.products.models import Product, StockMovement
from invoicing.products.stock import StockEntry, stock_movement_record, stock_movements_record_many
from tests.factories import ProductFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREADS = 6


def run_threads(target, count=THREADS):
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    results: list = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def ledger_sum(product) -> Decimal:
    return StockMovement.objects.filter(product=product).aggregate(s=Sum("quantity"))["s"]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")


def test_stock_is_the_ledger_sum_under_concurrent_writers(postgres_only, workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    other = ProductFactory(workspace=workspace, tracks_inventory=True)
    per_thread = 25

    def write(index):
        rng = random.Random(index)
        expected = Decimal("0")
        for n in range(per_thread):
            quantity = Decimal(rng.randint(-500, 500) or 1) / Decimal("4")
            kind = "adjustment"
            if n % 5 == 0:
                # A two-product batch locks both rows: also proves there is no deadlock.
                first, second = (product, other) if index % 2 else (other, product)
                stock_movements_record_many(workspace_id=workspace.pk, entries=[
                    StockEntry(product_id=first.pk, quantity=quantity, kind=kind, note="a"),
                    StockEntry(product_id=second.pk, quantity=-quantity, kind=kind, note="b"),
                ])
                continue
            stock_movement_record(workspace=workspace, product=product.pk, quantity=quantity,
                                  kind=kind, note=f"t{index} n{n}")
            expected += quantity
        return expected

    expected = sum(run_threads(write), Decimal("0"))
    product.refresh_from_db()
    other.refresh_from_db()
    assert StockMovement.objects.filter(product=product).count() == THREADS * per_thread
    assert product.stock_quantity == ledger_sum(product)
    assert other.stock_quantity == ledger_sum(other)
    # Batches moved product and other in opposite directions by the same amounts.
    assert product.stock_quantity + other.stock_quantity == expected


def test_the_same_batch_run_by_concurrent_workers_is_written_once(postgres_only, workspace):
    products = [ProductFactory(workspace=workspace, tracks_inventory=True) for _ in range(3)]
    batch = [StockEntry(product_id=p.pk, quantity=Decimal(-(i + 1)), kind="sale",
                        note="INV-0001", source_key=f"inv:1:r1:l{i}")
             for i, p in enumerate(products)]

    def run(index):
        # Each worker sees the lines in another order, as a retried task might.
        entries = batch[index % 3:] + batch[:index % 3]
        return stock_movements_record_many(workspace_id=workspace.pk, entries=entries)

    written = run_threads(run)
    assert sum(written) == len(batch)
    for i, product in enumerate(products):
        product.refresh_from_db()
        assert product.stock_quantity == Decimal(-(i + 1)) == ledger_sum(product)
    assert StockMovement.objects.count() == len(batch)


def test_same_key_for_different_products_races_to_one_row(postgres_only, workspace):
    """A caller bug (one key, two products) still cannot double-write or fail with 500."""
    products = [ProductFactory(workspace=workspace, tracks_inventory=True)
                for _ in range(THREADS)]

    def run(index):
        return stock_movement_record(workspace=workspace, product=products[index],
                                     quantity="-1", kind="sale", source_key="same-key")

    recorded = [movement for movement in run_threads(run) if movement is not None]
    assert len(recorded) == 1
    assert Product.objects.filter(stock_quantity=-1).count() == 1
    assert Product.objects.filter(stock_quantity=0).count() == THREADS - 1
