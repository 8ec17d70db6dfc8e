"""Demo quotations for `seed_demo`: a handful in every state, one converted into an invoice,
only when the demo workspace has none yet. Everything goes through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from invoicing.contacts.models import Contact
from invoicing.fiscal.models import DocumentSubtype, DocumentType
from invoicing.invoices.models import Salesman
from invoicing.products.models import Product

from . import conversion, services
from .models import Quotation

# (days ago issued, final state, product indexes and quantities, discount %, notes)
PLAN = [
    (1, "draft", [(0, "2"), (1, "1")], "0", "Precios incluyen instalación."),
    (4, "sent", [(2, "10"), (0, "1")], "5", "Entrega en 3 días laborables."),
    (6, "accepted", [(1, "3"), (3, "2")], "10", "Aceptada por correo."),
    (9, "rejected", [(2, "5")], "0", ""),
    (12, "invoiced", [(0, "1"), (2, "4"), (3, "1")], "7.5", "Anticipo del 50% al confirmar."),
    (30, "expired", [(1, "6")], "0", "Oferta de temporada."),
]


def seed(workspace, user) -> None:
    if Quotation.objects.filter(workspace=workspace).exists():
        return
    contacts = list(Contact.objects.for_workspace(workspace).customers().active()[:6])
    products = list(Product.objects.for_workspace(workspace).active().order_by("id")[:4])
    invoice_series = (DocumentSubtype.objects.for_workspace(workspace).active()
                      .filter(document_type=DocumentType.INVOICE, ncf_type__isnull=True)
                      .order_by("id").first())
    if not contacts or not products or invoice_series is None:
        return
    salesman = Salesman.objects.for_workspace(workspace).active().first()
    today = timezone.localdate()
    for index, (days_ago, state, lines, discount, notes) in enumerate(PLAN):
        issue_date = today - datetime.timedelta(days=days_ago)
        items = [{"product_id": products[i % len(products)].pk, "quantity": quantity,
                  "discount": discount, "discount_type": "percentage"}
                 for i, quantity in lines]
        quotation = services.quotation_create(
            workspace=workspace, actor=user, contact_id=contacts[index % len(contacts)].pk,
            items=items, issue_date=issue_date, payment_term="50% anticipo, 50% contra entrega",
            notes=notes, salesman_ids=[salesman.pk] if salesman else [], as_of=issue_date)
        if state in ("sent", "accepted", "rejected", "invoiced"):
            services.quotation_send(quotation=quotation, actor=user)
        if state in ("accepted", "invoiced"):
            services.quotation_accept(quotation=quotation, actor=user)
        if state == "rejected":
            services.quotation_reject(quotation=quotation, actor=user,
                                      reason="El cliente eligió otro proveedor.")
        if state == "invoiced":
            conversion.quotation_convert(quotation=quotation, actor=user,
                                       document_subtype_id=invoice_series.pk,
                                       issue_date=today)
    # The old draft's validity ended weeks ago: the periodic task's work, done now.
    services.quotations_expire_due(workspace_id=workspace.pk)
