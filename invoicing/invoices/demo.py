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
    # Numbers and dates go together in a fiscal series (API.md): the invoices are issued in
    # date order. The dates come from their own generator; the main one still draws its
    # number for each invoice, so the rest of the demo stays as it was.
    dates_rng = random.Random(908)
    dates = sorted(today - datetime.timedelta(days=dates_rng.randint(0, 90))
                   for _ in range(24))
    for n in range(24):
        rng.randint(0, 90)  # the draw the date used to take
        issue_date = dates[n]
        fiscal = subtypes.get("B01") if identified and n % 3 != 2 else subtypes.get("B02")
        subtype = fiscal if fiscal and fiscal.range_end else subtypes["INV-"]
        contact = rng.choice(identified if subtype.ncf_type == "B01" else contacts)
        items = [{"product_id": product.pk, "quantity": str(rng.choice([1, 1, 2, 3, 5, 10])),
                  "discount": "10" if rng.random() < 0.2 else "0",
                  "discount_type": "percentage"}
                 for product in rng.sample(products, k=min(len(products), rng.randint(1, 4)))]
        invoice = services.invoice_create(
            workspace=workspace, actor=user, contact_id=contact.pk,
            document_subtype_id=subtype.pk, items=items, issue_date=issue_date,
            due_date=issue_date + datetime.timedelta(days=30), payment_term="Neto 30",
            salesman_ids=[rng.choice(people).pk] if people else [],
            draft=n == 23,
        )
        if n == 23:
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
