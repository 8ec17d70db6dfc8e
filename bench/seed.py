"""Seed the bench database through bulk paths.

One workspace (created by `manage.py create_workspace`, so it has the real defaults and an
API key) with contacts, products and salesmen (`bulk_create`), then invoices with 5 lines
each, their payments and salesmen, streamed with PostgreSQL COPY in batches so memory stays
flat at 1,000,000 invoices.

Every stored figure comes from the pure totals module (`invoicing.documents.totals`), so the
rows satisfy the database checks (total = subtotal − discount + tax, amount_paid ≤ total,
issued ⇒ numbered, due ≥ issue) and add up the way the services would have written them.
Numbers are contiguous per subtype in issue-date order, and each subtype's `next_number`
continues after them, so the create runs extend the same gapless sequences.
"""

from __future__ import annotations

import datetime
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from invoicing.contacts.models import Contact
from invoicing.core.money import quantize_money
from invoicing.documents import totals
from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.invoices.models import Invoice, InvoiceLine, Payment, Salesman
from invoicing.products.models import Product
from workspaces.models import Currency, Workspace

LINES_PER_INVOICE = 5
BATCH = 5_000
HISTORY_DAYS = 3 * 365
RANGE_END = 99_999_999  # the largest B-series sequence (8 digits)
BUYER_ID_LIMIT = Decimal("250000.00")  # B02 names the buyer from RD$250,000 (DOMAIN.md)

FIRST_NAMES = ["Juan", "María", "José", "Ana", "Luis", "Carmen", "Pedro", "Rosa", "Miguel",
               "Altagracia", "Rafael", "Yokasta", "Francisco", "Mercedes", "Ramón", "Isabel"]
LAST_NAMES = ["Pérez", "Rodríguez", "Martínez", "García", "Santana", "Reyes", "Almonte",
              "Peña", "Féliz", "Castillo", "Jiménez", "Mejía", "Núñez", "De la Cruz"]
COMPANY_WORDS = ["Comercial", "Distribuidora", "Ferretería", "Colmado", "Inversiones",
                 "Farmacia", "Supermercado", "Constructora", "Servicios", "Agroindustrial"]
PLACES = ["del Cibao", "Caribe", "Quisqueya", "Bávaro", "Ozama", "Yaque", "Higüey",
          "Los Mina", "Naco", "Piantini", "Santiago", "La Vega"]
PRODUCT_WORDS = ["Cemento gris", "Varilla 3/8", "Pintura blanca", "Arroz selecto", "Aceite",
                 "Habichuelas rojas", "Café molido", "Papel bond", "Tóner", "Cable #12",
                 "Tubo PVC", "Bombillo LED", "Servicio técnico", "Consultoría", "Flete"]
CITIES = ["Santo Domingo", "Santiago de los Caballeros", "La Romana", "San Pedro de Macorís",
          "Puerto Plata", "Punta Cana", "La Vega", "San Francisco de Macorís"]


@dataclass
class SeedResult:
    workspace_id: int
    api_key: str
    user_id: int
    invoices: int
    fiscal_subtype_id: int  # B01: the create runs issue on it
    plain_subtype_id: int  # "Factura" INV-
    subtype_ids: dict[str, int]
    contact_ids_with_id: list[int]  # customers with an RNC/cédula (B01 needs one)
    product_ids: list[int]
    first_invoice_id: int
    last_invoice_id: int
    render_invoice_ids: dict[int, int] = field(default_factory=dict)  # lines → invoice id
    seconds: float = 0.0


# --- Identity numbers that pass the DGII check digits ---------------------------------------

def _rnc(rng: random.Random) -> str:
    from stdnum.do import rnc

    while True:
        body = f"1{rng.randrange(10_000_000):07d}"
        candidate = body + rnc.calc_check_digit(body)
        if rnc.is_valid(candidate):
            return candidate


def _cedula(rng: random.Random) -> str:
    from stdnum import luhn
    from stdnum.do import cedula

    while True:
        body = f"{rng.randrange(1, 403):03d}{rng.randrange(10_000_000):07d}"
        candidate = body + luhn.calc_check_digit(body)
        if cedula.is_valid(candidate):
            return candidate


# --- COPY -----------------------------------------------------------------------------------

class Copier:
    """COPY rows of one model: columns from the model, missing fields from their defaults."""

    def __init__(self, model, fields: Sequence[str]):
        meta = model._meta
        self.table = meta.db_table
        self.fields = list(fields)
        self.columns = [meta.get_field(name).column for name in self.fields]
        # Columns the rows leave out get their model default (Django's defaults live in
        # Python, not in the table), so a field added later never breaks the seed.
        given = {meta.get_field(name).column for name in self.fields}
        extra = [f for f in meta.concrete_fields
                 if f.column not in given and not f.primary_key and f.has_default()]
        self.columns += [f.column for f in extra]
        self.defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)

    def copy(self, rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.connection.cursor() as cursor, \
                cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row((*row, *self.defaults))
                count += 1
        return count


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
        )


# --- The workspace and its catalogue --------------------------------------------------------

def create_workspace(name: str = "Bench SRL") -> tuple[Workspace, str, int]:
    out = io.StringIO()
    call_command("create_workspace", name, "--owner", "bench@example.com",
                 "--password", "bench-pass-123", "--rnc", "131246796", stdout=out)
    created = json.loads(out.getvalue().strip().splitlines()[-1])
    workspace = Workspace.objects.get(pk=created["workspace_id"])
    workspace.address = "Av. Winston Churchill 1099, Piantini, Santo Domingo"
    workspace.phone = "809-555-0100"
    workspace.email = "facturas@bench.example.com"
    workspace.save()
    from workspaces.models import Membership

    user_id = Membership.objects.filter(workspace=workspace).values_list(
        "user_id", flat=True).first()
    return workspace, created["api_key"], user_id


def _contacts(workspace: Workspace, count: int, rng: random.Random) -> list[Contact]:
    contacts = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.55:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(PLACES)} SRL"
            kind, number = "rnc", _rnc(rng)
        elif roll < 0.85:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
            kind, number = "cedula", _cedula(rng)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            kind, number = "none", ""
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        contacts.append(Contact(
            workspace=workspace, name=f"{name} {i + 1}", kind="customer", tax_id_type=kind,
            tax_id=number, email=f"{slug}{i + 1}@example.com", phone=f"809-555-{i % 10000:04d}",
            address=f"Calle {rng.randint(1, 99)} #{rng.randint(1, 300)}, {rng.choice(CITIES)}",
            payment_terms_days=rng.choice([None, 0, 15, 30, 30, 45]),
        ))
    return Contact.objects.bulk_create(contacts, batch_size=2000)


def _products(workspace: Workspace, count: int, rng: random.Random,
              taxes: dict[str, Tax]) -> tuple[list[Product], dict[int, tuple[Tax, ...]]]:
    products = []
    for i in range(count):
        price = Decimal(rng.choice([75, 120, 350, 499, 850, 1250, 2400, 3995, 8500, 15000]))
        products.append(Product(
            workspace=workspace, sku=f"SKU-{i + 1:05d}",
            name=f"{rng.choice(PRODUCT_WORDS)} {i + 1}", unit_price=price,
            cost=quantize_money(price * Decimal("0.6")), unit="unidad",
            tracks_inventory=False,
        ))
    products = Product.objects.bulk_create(products, batch_size=2000)
    through = Product.taxes.through
    taxes_of: dict[int, tuple[Tax, ...]] = {}
    links = []
    for product in products:
        roll = rng.random()
        chosen = (taxes["ITBIS 18%"],) if roll < 0.8 else \
            (taxes["ITBIS 16%"],) if roll < 0.85 else (taxes["Exento"],)
        taxes_of[product.pk] = chosen
        links.extend(through(product_id=product.pk, tax_id=tax.pk) for tax in chosen)
    through.objects.bulk_create(links, batch_size=5000)
    return products, taxes_of


# --- Invoices -------------------------------------------------------------------------------

@dataclass
class _Catalogue:
    workspace: Workspace
    user_id: int
    contacts: list[Contact]
    products: list[Product]
    taxes_of: dict[int, tuple[Tax, ...]]
    salesmen: list[int]
    subtypes: dict[str, DocumentSubtype]
    dop: Currency
    usd: Currency
    line_cache: dict = field(default_factory=dict)


QUANTITIES = [Decimal(q) for q in ("1", "1", "2", "3", "5", "10", "1.5", "0.25")]
DISCOUNTS = [(Decimal("0"), "amount")] * 8 + [(Decimal("50.00"), "amount"),
                                              (Decimal("10"), "percentage")]


def _line(cat: _Catalogue, product: Product, quantity: Decimal, discount: Decimal,
          discount_type: str) -> tuple[totals.LineTotals, str]:
    """A line's figures from the totals module (memoised: the draws repeat) and the JSON
    copy of its taxes, as the services store them."""
    taxes = tuple(totals.TaxInput(id=t.pk, name=t.name, kind=t.kind, rate=t.rate)
                  for t in cat.taxes_of[product.pk])
    key = totals.LineInput(quantity=quantity, unit_price=product.unit_price,
                           discount=discount, discount_type=discount_type, taxes=taxes)
    found = cat.line_cache.get(key)
    if found is None:
        figures = totals.compute_line(key)
        found = cat.line_cache[key] = (
            figures, json.dumps([tax.as_json() for tax in figures.taxes]))
    return found


INVOICE_FIELDS = [
    "id", "workspace", "contact", "document_subtype", "document_number", "issue_date",
    "currency", "exchange_rate", "payment_term", "notes", "subtotal_amount", "discount_amount",
    "tax_amount", "total_amount", "created_by", "created_at", "updated_at", "status",
    "sequence_number", "ncf_valid_until", "due_date", "amount_paid", "issued_at",
    "buyer_name", "buyer_tax_id_type", "buyer_tax_id", "buyer_address", "issuer_name",
    "issuer_rnc", "issuer_address", "cancel_reason_code", "cancel_reason", "cancelled_at",
    "stock_revision", "stock_synced_revision",
]
LINE_FIELDS = [
    "workspace", "invoice", "position", "product", "description", "quantity", "unit_price",
    "discount", "discount_type", "taxes", "subtotal", "discount_amount", "tax_amount", "total",
]
PAYMENT_FIELDS = ["workspace", "invoice", "date", "amount", "method", "reference", "notes",
                  "created_by", "created_at"]
METHODS = ["cash", "bank_transfer", "bank_transfer", "card", "check", "mobile_payment"]
TERMS = {None: "Due on Receipt", 0: "Due on Receipt", 15: "Net 15", 30: "Net 30", 45: "Net 45"}


def _invoice_rows(cat: _Catalogue, count: int, first_id: int, rng: random.Random,
                  counters: dict[str, int]) -> Iterator[tuple[list, list, list, list]]:
    """Yield batches of (invoice rows, line rows, payment rows, salesman links)."""
    ws = cat.workspace
    today = timezone.localdate()
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    tz = timezone.get_current_timezone()
    fiscal_contacts = [c for c in cat.contacts if c.has_fiscal_id]
    plain_contacts = [c for c in cat.contacts if not c.has_fiscal_id]
    ws_id, user_id = ws.pk, cat.user_id
    b01, b02, inv = cat.subtypes["B01"], cat.subtypes["B02"], cat.subtypes["INV"]
    invoices, lines, payments, links = [], [], [], []
    for n in range(count):
        invoice_id = first_id + n
        issue_date = start + datetime.timedelta(days=(n * HISTORY_DAYS) // max(count, 1))
        roll = rng.random()
        contact = rng.choice(fiscal_contacts) if (roll < 0.8 or not plain_contacts) \
            else rng.choice(plain_contacts)
        figures = []
        for position in range(LINES_PER_INVOICE):
            product = cat.products[rng.randrange(len(cat.products))]
            discount, discount_type = rng.choice(DISCOUNTS)
            quantity = rng.choice(QUANTITIES)
            if discount_type == "amount" and discount * 2 > quantity * product.unit_price:
                discount = Decimal("0")  # a discount is a small part of the line
            line, taxes_json = _line(cat, product, quantity, discount, discount_type)
            figures.append(line)
            lines.append((
                ws_id, invoice_id, position, product.pk, product.name,
                quantity, product.unit_price, discount, discount_type,
                taxes_json, line.subtotal,
                line.discount_amount, line.tax_amount, line.total,
            ))
        doc = totals.summarize(figures)
        usd = rng.random() < 0.05
        currency = cat.usd if usd else cat.dop
        rate = Decimal("58.7500") if usd else Decimal("1.0000")
        if contact.has_fiscal_id and (rng.random() < 0.75):
            subtype = b01
        elif doc.total * rate < BUYER_ID_LIMIT and rng.random() < 0.7:
            subtype = b02
        else:
            subtype = inv
        status_roll = rng.random()
        status = ("draft" if status_roll < 0.03 else "cancelled" if status_roll < 0.05
                  else "paid" if status_roll < 0.65 else "partially_paid"
                  if status_roll < 0.75 else "pending_payment")
        if status in ("paid", "partially_paid") and doc.total <= 0:
            status = "paid"
        created = datetime.datetime.combine(
            issue_date, datetime.time(8 + n % 10, (n * 7) % 60, n % 60), tzinfo=tz)
        due_date = issue_date + datetime.timedelta(days=contact.payment_terms_days or 0)
        issued = status != "draft"
        number = sequence = valid_until = None
        if issued:
            key = "B01" if subtype is b01 else "B02" if subtype is b02 else "INV"
            sequence = counters[key]
            counters[key] = sequence + 1
            number = subtype.format_number(sequence)
            valid_until = subtype.valid_until if subtype.is_fiscal else None
        paid = doc.total if status == "paid" else \
            quantize_money(doc.total / 2) if status == "partially_paid" else Decimal("0.00")
        if status == "partially_paid" and not (0 < paid < doc.total):
            status, paid = "paid", doc.total
        if paid > 0:
            payments.append((ws_id, invoice_id, min(issue_date + datetime.timedelta(days=3),
                                                    today), paid, rng.choice(METHODS),
                             f"REF-{invoice_id}", "", user_id, created))
        cancelled = status == "cancelled"
        revision = 2 if cancelled else 1 if issued else 0
        invoices.append((
            invoice_id, ws_id, contact.pk, subtype.pk, number, issue_date, currency.pk, rate,
            TERMS.get(contact.payment_terms_days, "Net 30"), "", doc.subtotal, doc.discount,
            doc.tax, doc.total, user_id, created, created, status, sequence, valid_until,
            due_date, paid, created if issued else None,
            contact.name if issued else "", contact.tax_id_type if issued else "",
            contact.tax_id if issued else "", contact.address if issued else "",
            ws.name if issued else "", ws.rnc if issued else "",
            ws.address if issued else "",
            "04" if cancelled else "", "Corrección de la información" if cancelled else "",
            created + datetime.timedelta(hours=2) if cancelled else None, revision, revision,
        ))
        if cat.salesmen and rng.random() < 0.3:
            links.append((invoice_id, rng.choice(cat.salesmen)))
        if len(invoices) >= BATCH:
            yield invoices, lines, payments, links
            invoices, lines, payments, links = [], [], [], []
    if invoices:
        yield invoices, lines, payments, links


def seed(*, invoices: int, rng_seed: int = 8, progress: Callable[[str], None] = print,
         ) -> SeedResult:
    started = time.monotonic()
    rng = random.Random(rng_seed)
    workspace, api_key, user_id = create_workspace()
    taxes = {t.name: t for t in Tax.objects.filter(workspace=workspace)}
    n_contacts = max(20, min(5000, invoices // 20))
    n_products = max(20, min(500, invoices // 50))
    contacts = _contacts(workspace, n_contacts, rng)
    products, taxes_of = _products(workspace, n_products, rng, taxes)
    salesmen = Salesman.objects.bulk_create([
        Salesman(workspace=workspace, name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                 email=f"vendedor{i + 1}@bench.example.com", commission_rate=Decimal("2.50"))
        for i in range(8)])

    valid_until = datetime.date(timezone.localdate().year + 1, 12, 31)
    subtypes = {
        s.ncf_type or "INV": s
        for s in DocumentSubtype.objects.filter(workspace=workspace, document_type="invoice")
        if s.ncf_type in ("B01", "B02") or s.prefix == "INV-"
    }
    for code in ("B01", "B02"):
        subtype = subtypes[code]
        subtype.range_start, subtype.range_end, subtype.valid_until = 1, RANGE_END, valid_until
    counters = {code: subtypes[code].next_number for code in subtypes}
    cat = _Catalogue(workspace=workspace, user_id=user_id, contacts=contacts, products=products,
                     taxes_of=taxes_of, salesmen=[s.pk for s in salesmen], subtypes=subtypes,
                     dop=Currency.objects.get(workspace=workspace, code="DOP"),
                     usd=Currency.objects.get(workspace=workspace, code="USD"))

    with connection.cursor() as cursor:
        cursor.execute('SELECT COALESCE(MAX(id), 0) FROM "invoices_invoice"')
        first_id = cursor.fetchone()[0] + 1
    invoice_copy = Copier(Invoice, INVOICE_FIELDS)
    line_copy = Copier(InvoiceLine, LINE_FIELDS)
    payment_copy = Copier(Payment, PAYMENT_FIELDS)
    link_copy = Copier(Invoice.salesmen.through, ["invoice", "salesman"])
    done = 0
    connection.ensure_connection()
    for batch in _invoice_rows(cat, invoices, first_id, rng, counters):
        inv_rows, line_rows, payment_rows, link_rows = batch
        with transaction.atomic():
            invoice_copy.copy(inv_rows)
            line_copy.copy(line_rows)
            payment_copy.copy(payment_rows)
            link_copy.copy(link_rows)
        done += len(inv_rows)
        if invoices >= 100_000 and done % 100_000 < BATCH:
            progress(f"  seeded {done:,} invoices ({time.monotonic() - started:.0f} s)")
    _reset_sequence(Invoice)

    for code, subtype in subtypes.items():
        subtype.next_number = counters[code]
        subtype.save(update_fields=["range_start", "range_end", "valid_until", "next_number",
                                    "updated_at"])

    render_ids = _render_documents(cat)
    with connection.cursor() as cursor:
        for table in ("invoices_invoice", "invoices_invoiceline", "invoices_payment",
                      "invoices_invoice_salesmen", "contacts_contact", "products_product"):
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return SeedResult(
        workspace_id=workspace.pk, api_key=api_key, user_id=user_id, invoices=invoices,
        fiscal_subtype_id=subtypes["B01"].pk, plain_subtype_id=subtypes["INV"].pk,
        subtype_ids={code: s.pk for code, s in subtypes.items()},
        contact_ids_with_id=[c.pk for c in contacts if c.tax_id_type == "rnc"],
        product_ids=[p.pk for p in products],
        first_invoice_id=first_id, last_invoice_id=first_id + invoices - 1,
        render_invoice_ids=render_ids, seconds=time.monotonic() - started,
    )


def _render_documents(cat: _Catalogue) -> dict[int, int]:
    """Two invoices for the in-process render timing (10 and 100 lines), created through the
    real service on the plain series (its numbers stay contiguous: the allocator takes
    them)."""
    from django.contrib.auth import get_user_model

    from invoicing.invoices.services import invoice_create

    actor = get_user_model().objects.get(pk=cat.user_id)
    contact = next(c for c in cat.contacts if c.tax_id_type == "rnc")
    ids = {}
    for count in (10, 100):
        items = [{"product_id": cat.products[i % len(cat.products)].pk,
                  "quantity": QUANTITIES[i % len(QUANTITIES)]} for i in range(count)]
        invoice = invoice_create(workspace=cat.workspace, actor=actor, contact_id=contact.pk,
                                 document_subtype_id=cat.subtypes["INV"].pk, items=items,
                                 payment_term="Net 30", notes="Bench: render timing")
        ids[count] = invoice.pk
    return ids
