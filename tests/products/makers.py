"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from decimal import Decimal

from invoicing.products.models import MovementKind
from invoicing.products.stock import stock_movement_record
from tests.factories import ProductFactory


def make_movement(workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    return stock_movement_record(workspace=workspace, product=product, quantity=Decimal("5"),
                                 kind=MovementKind.PURCHASE, note="Compra inicial", actor=None)


MAKERS = {
    "product": lambda workspace: ProductFactory(workspace=workspace),
    "stock-movement": make_movement,
}
