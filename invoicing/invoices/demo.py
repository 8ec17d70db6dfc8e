"""Demo invoices for `seed_demo`: a few months of realistic activity, only when the demo
workspace has none yet. Everything goes through the services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from invoicing.contacts.models import Contact
from invoicing.fiscal.models import DocumentSubtype
from invoicing.products.models import Product

from . import payments, salesmen, services
from .models import CancellationReason, Invoice, Salesman

COUNT = 40
HISTORY_DAYS = 150
# A hotel billed in dollars, at the rate of each invoice's date (workspaces/demo.py).
USD_INVOICES = [(100, "Consultoría contable (hora)", "12", "45.00"),
                (40, "Instalación de red local", "1", "850.00"),
                (8, "Mantenimiento de computadoras", "6", "60.00")]

SALESMEN = [("María Fernández", "maria@demo.do", "5.00"), ("José Rodríguez", "jose@demo.do",
                                                            "3.50")]


def seed(workspace, user) -> None:
    for name, email, rate in SALESMEN:
        if not Salesman.objects.filter(workspace=workspace, email=email).exists():
            salesmen.salesman_create(workspace=workspace, actor=user, name=name, email=email,
                                     commission_rate=Decimal(rate))
    if Invoice.objects.filter(workspace=workspace).exists():
        return
    contacts = list(Contact.objects.for_workspace(workspace).customers().active())
    identified = [c for c in contacts if c.has_fiscal_id]
    products = list(Product.objects.for_workspace(workspace).active())
    if not contacts or not products:
        return
    subtypes = {s.ncf_type or s.prefix: s for s in DocumentSubtype.objects.for_workspace(
        workspace).filter(document_type="invoice")}
    people = list(Salesman.objects.for_workspace(workspace))
    rng = random.Random(809)
    today = timezone.localdate()
    # Five months of sales, oldest first (the numbers follow the dates), so the dashboard's
    # and the reports' monthly charts and the aging buckets have something to show.
    dates = sorted(today - datetime.timedelta(days=rng.randint(0, HISTORY_DAYS))
                   for _ in range(COUNT))
    dollars = _dollar_sales(workspace, subtypes.get("B01"), today)
    for n, issue_date in enumerate(dates):
        while dollars and dollars[0]["issue_date"] <= issue_date:
            _dollar_sale(workspace, user, dollars.pop(0))
        fiscal = subtypes.get("B01") if identified and n % 3 != 2 else subtypes.get("B02")
        subtype = fiscal if fiscal and fiscal.range_end else subtypes["INV-"]
        contact = rng.choice(identified if subtype.ncf_type == "B01" else contacts)
        # Big quantities of cheap items only: a consumo invoice stays under the RD$250,000
        # above which DGII wants the buyer named (the demo's walk-in customers have no ID).
        items = [{"product_id": product.pk,
                  "quantity": str(rng.choice([1, 1, 2, 3, 5, 10] if product.unit_price < 1000
                                             else [1, 1, 2])),
                  "discount": "10" if rng.random() < 0.2 else "0",
                  "discount_type": "percentage"}
                 for product in rng.sample(products, k=min(len(products), rng.randint(1, 4)))]
        invoice = services.invoice_create(
            workspace=workspace, actor=user, contact_id=contact.pk,
            document_subtype_id=subtype.pk, items=items, issue_date=issue_date,
            due_date=issue_date + datetime.timedelta(days=30), payment_term="Neto 30",
            salesman_ids=[rng.choice(people).pk] if people else [],
            draft=n == COUNT - 1,
        )
        if n == COUNT - 1:
            continue
        roll = rng.random()
        if roll < 0.45:
            payments.payment_record(invoice=invoice, actor=user, amount=invoice.total_amount,
                                    date=issue_date, method=rng.choice(
                                        ["cash", "bank_transfer", "card", "check"]))
        elif roll < 0.65:
            payments.payment_record(invoice=invoice, actor=user,
                                    amount=(invoice.total_amount / 2).quantize(Decimal("0.01")),
                                    date=issue_date, method="bank_transfer",
                                    reference="TRF-" + str(rng.randint(10000, 99999)))
        elif roll < 0.7:
            services.invoice_cancel(invoice=invoice, actor=user,
                                    reason_code=CancellationReason.CORRECCION,
                                    reason="Datos del cliente incorrectos")
    for sale in dollars:
        _dollar_sale(workspace, user, sale)


def _dollar_sales(workspace, subtype, today) -> list[dict]:
    """The hotel's dollar invoices (their create arguments), oldest first; none when the
    demo has no USD, no hotel or no B01 range."""
    from invoicing.fiscal.models import Tax
    from workspaces.models import Currency

    usd = Currency.objects.filter(workspace=workspace, code="USD").first()
    hotel = Contact.objects.for_workspace(workspace).filter(name__startswith="Hotel").first()
    itbis = Tax.objects.filter(workspace=workspace, kind="itbis", rate=18).first()
    if usd is None or hotel is None or subtype is None or not subtype.range_end:
        return []
    sales = []
    for days_ago, description, quantity, price in USD_INVOICES:
        issue_date = today - datetime.timedelta(days=days_ago)
        sales.append({
            "contact_id": hotel.pk, "currency_id": usd.pk, "document_subtype_id": subtype.pk,
            "issue_date": issue_date, "due_date": issue_date + datetime.timedelta(days=45),
            "payment_term": "Neto 45",
            "items": [{"description": description, "quantity": quantity, "unit_price": price,
                       "tax_ids": [itbis.pk] if itbis else []}]})
    return sales


def _dollar_sale(workspace, user, sale: dict) -> None:
    invoice = services.invoice_create(workspace=workspace, actor=user, **sale)
    paid_on = sale["issue_date"] + datetime.timedelta(days=20)
    if paid_on <= timezone.localdate():  # the older ones were paid by wire
        payments.payment_record(invoice=invoice, actor=user, amount=invoice.total_amount,
                                date=paid_on, method="bank_transfer",
                                reference=f"WIRE-{invoice.pk}")
