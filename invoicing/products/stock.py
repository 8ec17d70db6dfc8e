"""The stock ledger: movements are appended, never edited; a product's stock is their sum.
Sales and their reversals come from invoices (exactly once, by unique source keys),
adjustments and purchases by hand."""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput
from invoicing.core.money import quantize_quantity
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import MovementKind, Product, StockMovement
from .services import _decimal

MANUAL_KINDS = (MovementKind.ADJUSTMENT, MovementKind.PURCHASE)
SOURCE_KEY_MAX = StockMovement._meta.get_field("source_key").max_length
NOTE_MAX = StockMovement._meta.get_field("note").max_length
QUANTITY_LIMIT = Decimal("1e10")  # max_digits 14, 4 decimals
INSERT_CHUNK = 500  # rows per INSERT, well under every backend's parameter limit


@dataclass(frozen=True)
class StockEntry:
    """One movement to record. The quantity is signed: a sale is negative, a sale reversal
    and a purchase positive, an adjustment either. `source_key` (≤ 80 characters, unique
    per workspace) makes it exactly-once: an entry whose key is already in the ledger is
    skipped. `invoice_id`, when None, is the batch's."""

    product_id: int
    quantity: Decimal
    kind: str
    note: str = ""
    source_key: str | None = None
    invoice_id: int | None = None


def _check_movement(index: int | None, movement: StockEntry) -> tuple[Decimal, str]:
    def field(name: str) -> str:
        return name if index is None else f"entries.{index}.{name}"

    if movement.kind not in MovementKind.values:
        raise InvalidInput(_("Unknown movement kind."), field=field("kind"))
    quantity = quantize_quantity(_decimal(movement.quantity, field("quantity")))
    if quantity == 0:
        raise InvalidInput(_("The quantity cannot be 0."), field=field("quantity"))
    if abs(quantity) >= QUANTITY_LIMIT:
        raise InvalidInput(_("This quantity is too large."), field=field("quantity"))
    # The sign says the direction; each kind moves one way, except an adjustment.
    if movement.kind == MovementKind.SALE and quantity > 0:
        raise InvalidInput(_("A sale takes stock out: its quantity is negative."),
                           field=field("quantity"))
    if movement.kind in (MovementKind.SALE_REVERSAL, MovementKind.PURCHASE) and quantity < 0:
        raise InvalidInput(_("A purchase or a sale reversal brings stock in: its quantity is "
                             "positive."), field=field("quantity"))
    note = (movement.note or "").strip()
    if movement.kind in MANUAL_KINDS and not note:
        raise InvalidInput(_("Say why: a note is required."), field=field("note"))
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)s characters.") % {"max": NOTE_MAX},
                           field=field("note"))
    if movement.source_key is not None and not 0 < len(movement.source_key) <= SOURCE_KEY_MAX:
        raise InvalidInput(_("A source key has 1 to %(max)s characters.")
                           % {"max": SOURCE_KEY_MAX}, field=field("source_key"))
    return quantity, note


def _insert_ignoring_known_keys(rows: list[dict[str, Any]]) -> list[int]:
    """INSERT the rows with ON CONFLICT DO NOTHING and return the ids of the rows really
    inserted (PostgreSQL and SQLite ≥ 3.35 both return only those)."""
    opts = StockMovement._meta
    columns = ["workspace_id", "product_id", "quantity", "kind", "invoice_id", "note",
               "source_key", "created_by_id", "created_at"]
    fields = [opts.get_field(name.removesuffix("_id")) if name.endswith("_id")
              else opts.get_field(name) for name in columns]
    qn = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params: list[Any] = []
    for row in rows:
        params.extend(field.get_db_prep_save(row[name], connection)
                      for field, name in zip(fields, columns, strict=True))
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT DO NOTHING RETURNING {qn(opts.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _record(*, workspace_id: int, entries: Sequence[StockEntry], invoice_id: int | None,
            actor: Any) -> list[StockMovement]:
    entries = list(entries)
    if not entries:
        return []
    checked = [_check_movement(None if len(entries) == 1 else index, entry)
               for index, entry in enumerate(entries)]
    keys = [entry.source_key for entry in entries if entry.source_key is not None]
    if len(keys) != len(set(keys)):
        raise InvalidInput(_("The same source key appears twice in one batch."),
                           field="source_key")
    invoice_of = [entry.invoice_id if entry.invoice_id is not None else invoice_id
                  for entry in entries]
    product_ids = sorted({entry.product_id for entry in entries})
    invoice_ids = {pk for pk in invoice_of if pk is not None}

    with transaction.atomic():
        # Lock every product of the batch, in id order (no deadlock between batches), before
        # writing: the stock increments below then apply in commit order.
        locked = {product.pk: product for product in Product.objects.select_for_update()
                  .filter(workspace_id=workspace_id, pk__in=product_ids).order_by("pk")
                  .only("pk", "sku", "workspace_id", "stock_quantity")}
        if len(locked) != len(product_ids):
            raise InvalidInput(_("Product not found in this workspace."), field="product_id")
        if invoice_ids:
            # By name: products must not import invoices (dependencies point one way).
            invoice_model = apps.get_model("invoices", "Invoice")
            found = invoice_model.objects.filter(workspace_id=workspace_id,
                                                 pk__in=invoice_ids).count()
            if found != len(invoice_ids):
                raise InvalidInput(_("Invoice not found in this workspace."),
                                   field="invoice_id")

        now = timezone.now()
        actor_id = actor.pk if getattr(actor, "pk", None) else None
        rows = [{
            "workspace_id": workspace_id, "product_id": entry.product_id, "quantity": quantity,
            "kind": entry.kind, "invoice_id": entry_invoice_id, "note": note,
            "source_key": entry.source_key, "created_by_id": actor_id, "created_at": now,
        } for entry, (quantity, note), entry_invoice_id in zip(entries, checked, invoice_of,
                                                               strict=True)]
        inserted_ids = [pk for start in range(0, len(rows), INSERT_CHUNK)
                        for pk in _insert_ignoring_known_keys(rows[start:start + INSERT_CHUNK])]
        if not inserted_ids:
            return []
        inserted = list(StockMovement.objects.filter(pk__in=inserted_ids).order_by("pk"))

        by_product: dict[int, Decimal] = defaultdict(Decimal)
        for movement in inserted:
            by_product[movement.product_id] += movement.quantity
        for product_id in sorted(by_product):
            # The stock column holds what a quantity does (14 digits, 4 decimals): a batch
            # that would push it past that is refused whole (nothing of it is written).
            if abs(locked[product_id].stock_quantity + by_product[product_id]) \
                    >= QUANTITY_LIMIT:
                raise InvalidInput(
                    _("The stock of %(sku)s would be %(stock)s, more than can be stored "
                      "(under %(limit)s).") % {
                        "sku": locked[product_id].sku,
                        "stock": f"{locked[product_id].stock_quantity + by_product[product_id]:f}",
                        "limit": f"{QUANTITY_LIMIT:,.0f}"},
                    field="quantity")
        for product_id in sorted(by_product):
            if by_product[product_id]:
                Product.objects.filter(pk=product_id).update(
                    stock_quantity=F("stock_quantity") + by_product[product_id],
                    updated_at=now,
                )
        workspace = Workspace(pk=workspace_id)
        for movement in inserted:
            product = locked[movement.product_id]
            activity_record(
                workspace=workspace, actor=actor, verb=f"stock_{movement.kind}",
                target=product,
                description=f"{product.sku} {movement.quantity.normalize():+f} "
                            f"{movement.note}".strip(),
                data={"movement_id": movement.pk, "quantity": str(movement.quantity),
                      "source_key": movement.source_key},
            )
        return inserted


def stock_movements_record_many(*, workspace_id: int, entries: Sequence[StockEntry],
                                invoice_id: int | None = None, actor: Any = None) -> int:
    """Record a batch of movements and move each product's stock by their sum, in one
    transaction (a savepoint when the caller already has one). Returns how many movements
    were actually written.

    Exactly-once: an entry whose `source_key` already exists in the workspace's ledger
    (written by an earlier run, or by a concurrent run that committed first) is skipped and
    does not move the stock. So a job may run the same batch any number of times, also
    concurrently: the database's unique key decides, through
    `INSERT … ON CONFLICT DO NOTHING RETURNING id`, and only the rows it returns move stock.

    Products are locked in id order before anything is written; negative stock is allowed.
    Raises InvalidInput (nothing written) on a bad entry, or when a product or the invoice is
    not of this workspace.
    """
    return len(_record(workspace_id=workspace_id, entries=entries, invoice_id=invoice_id,
                       actor=actor))


@requires("stock_movement_record")
def stock_movement_record(*, workspace: Workspace, product: Product | int,
                          quantity: Decimal | str, kind: str, note: str = "",
                          actor: Any = None, invoice: Any = None,
                          source_key: str | None = None) -> StockMovement | None:
    """Record one movement (same rules as `stock_movements_record_many`). Returns it, or
    None when its `source_key` was already recorded."""
    product_id = product.pk if isinstance(product, Product) else product
    recorded = _record(
        workspace_id=workspace.pk, actor=actor, invoice_id=getattr(invoice, "pk", invoice),
        entries=[StockEntry(product_id=product_id, quantity=quantity, kind=kind, note=note,
                            source_key=source_key)],
    )
    if recorded and isinstance(product, Product):
        product.refresh_from_db(fields=["stock_quantity", "updated_at"])
    return recorded[0] if recorded else None


def stock_manual_check(*, product: Product, quantity: Decimal | str, kind: str,
                       note: str) -> None:
    """The checks of `stock_manual_record`, without writing (forms call it to show errors)."""
    if kind not in MANUAL_KINDS:
        raise InvalidInput(
            _("Only adjustments and purchases are entered by hand; sales and their reversals "
              "come from invoices."),
            field="kind",
        )
    if not product.tracks_inventory:
        raise InvalidInput(
            _("%(sku)s does not track inventory; turn inventory on for it first.")
            % {"sku": product.sku},
            field="product_id",
        )
    _check_movement(None, StockEntry(product_id=product.pk, quantity=quantity, kind=kind,
                                     note=note))


def stock_manual_record(*, workspace: Workspace, product: Product, quantity: Decimal | str,
                        kind: str, note: str, actor: Any) -> StockMovement:
    """An adjustment or purchase entered by staff (page, API, admin), always with a note."""
    stock_manual_check(product=product, quantity=quantity, kind=kind, note=note)
    movement = stock_movement_record(workspace=workspace, product=product, quantity=quantity,
                                     kind=kind, note=note, actor=actor)
    assert movement is not None  # no source key: always recorded
    return movement
