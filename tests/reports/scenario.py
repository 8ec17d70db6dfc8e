"""The golden month (October 2026) every report test reads: real documents made through
the services, the way a Dominican business would have them at the end of the month."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype
from invoicing.invoices.payments import payment_record
from invoicing.invoices.services import invoice_cancel
from tests.factories import ContactFactory
from tests.invoices.helpers import fiscal_subtype, make_invoice, tax
from workspaces.currency_services import exchange_rate_set
from workspaces.models import Currency

D = datetime.date
# Notes, withholdings and customer credit come with the notes app (the fiscal lifecycle):
# once it is installed the golden month also has a B04, an E34 and an ITBIS withholding.
FISCAL_LIFECYCLE = apps.is_installed("invoicing.notes")


def line(workspace, price: str, *taxes: str, quantity: str = "1", description="Servicio"):
    return {"description": description, "quantity": quantity, "unit_price": price,
            "tax_ids": [tax(workspace, name).pk for name in taxes]}


def e_subtype(workspace, ncf_type="E31", document_type="invoice") -> DocumentSubtype:
    # Every workspace has the E series (API.md defaults), without a range: give it one.
    subtype, _created = DocumentSubtype.objects.update_or_create(
        workspace=workspace, ncf_type=ncf_type, defaults=dict(
            name=f"e-CF {ncf_type}", document_type=document_type, prefix="", padding=10,
            range_start=1, next_number=1, range_end=500,
            valid_until=D(timezone.localdate().year, 12, 31)))
    return subtype


def e31_subtype(workspace) -> DocumentSubtype:
    from invoicing.ecf import services
    from tests.ecf.certs import PASSWORD, p12_for

    # DGII requires the issuer's address on every e-CF (DireccionEmisor).
    workspace.address = workspace.address or "Av. Winston Churchill 1099, Santo Domingo"
    workspace.save(update_fields=["address"])
    services.ecf_certificate_install(workspace=workspace, actor=None,
                                     p12_bytes=p12_for(workspace.rnc, workspace.name),
                                     password=PASSWORD)
    # Only production e-CF count in reports (API.md "Electronic documents").
    services.ecf_settings_update(workspace=workspace, actor=None, environment="ecf")
    return e_subtype(workspace)


def golden_month(workspace) -> dict:
    """B01 (cash + transfer), B02 under and over RD$250,000, B14 (exempt, card), B15 (no
    payment), E31 with propina legal (cash), a USD B01 (part by card), a B01 voided in the
    month, a September B01 paid in October, and a September B15 paid on 25 October (the
    buyer withholding 30% of its ITBIS, with the fiscal lifecycle); with the fiscal
    lifecycle also a B04 within 30 days, an E34 and a B04 over 30 days."""
    company = ContactFactory(workspace=workspace, name="Farmacia Los Hidalgos SRL",
                             tax_id_type="rnc", tax_id="101850043")
    person = ContactFactory(workspace=workspace, name="Juana Pérez", tax_id_type="cedula",
                            tax_id="00113918205")
    walk_in = ContactFactory(workspace=workspace, name="Consumidor final", tax_id_type="none",
                             tax_id="")
    free_zone = ContactFactory(workspace=workspace, name="Zona Franca Las Américas SA",
                               tax_id_type="rnc", tax_id="401506254")
    ministry = ContactFactory(workspace=workspace, name="Ministerio de Salud",
                              tax_id_type="rnc", tax_id="131246796")
    b01, b02 = fiscal_subtype(workspace, "B01"), fiscal_subtype(workspace, "B02")
    b14, b15 = fiscal_subtype(workspace, "B14"), fiscal_subtype(workspace, "B15")
    e31 = e31_subtype(workspace)
    usd = Currency.objects.get(workspace=workspace, code="USD")
    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5"),
                      effective_date=D(2026, 9, 1))

    def invoice(subtype, contact, on, items, **kwargs):
        return make_invoice(workspace, subtype=subtype, contact=contact, issue_date=on,
                            due_date=on + datetime.timedelta(days=30), items=items, **kwargs)

    def pay(document, amount, method, on):
        payment_record(invoice=document, actor=None, amount=Decimal(amount), method=method,
                       date=on)

    docs = {}
    docs["september"] = invoice(b01, company, D(2026, 9, 28),
                                [line(workspace, "1000.00", "ITBIS 18%")])
    pay(docs["september"], "1180.00", "bank_transfer", D(2026, 10, 3))
    docs["september_b15"] = invoice(b15, ministry, D(2026, 9, 30),
                                    [line(workspace, "10000.00", "ITBIS 18%")])
    docs["b01"] = invoice(b01, company, D(2026, 10, 5),
                          [line(workspace, "1000.00", "ITBIS 18%", quantity="2")])
    pay(docs["b01"], "1000.00", "cash", D(2026, 10, 10))
    pay(docs["b01"], "1360.00", "bank_transfer", D(2026, 10, 20))
    docs["voided"] = invoice(b01, company, D(2026, 10, 6),
                             [line(workspace, "300.00", "ITBIS 18%")])
    invoice_cancel(invoice=docs["voided"], actor=None, reason_code="04",
                   reason="Corrección de la información")
    type(docs["voided"]).objects.filter(pk=docs["voided"].pk).update(
        cancelled_at=timezone.make_aware(datetime.datetime(2026, 10, 6, 15, 30)))
    docs["b02_small"] = invoice(b02, walk_in, D(2026, 10, 7),
                                [line(workspace, "500.00", "ITBIS 18%")])
    pay(docs["b02_small"], "590.00", "card", D(2026, 10, 7))
    docs["b02_large"] = invoice(b02, person, D(2026, 10, 8),
                                [line(workspace, "250000.00", "ITBIS 18%")])
    docs["b14"] = invoice(b14, free_zone, D(2026, 10, 9), [line(workspace, "10000.00", "Exento")])
    pay(docs["b14"], "10000.00", "card", D(2026, 10, 9))
    docs["b15"] = invoice(b15, ministry, D(2026, 10, 12),
                          [line(workspace, "5000.00", "ITBIS 16%")])
    docs["e31"] = invoice(e31, company, D(2026, 10, 14),
                          [line(workspace, "1000.00", "ITBIS 18%", "Propina legal 10%",
                                description="Cena")])
    pay(docs["e31"], "1280.00", "cash", D(2026, 10, 14))
    docs["usd"] = invoice(b01, company, D(2026, 10, 15),
                          [line(workspace, "100.00", "ITBIS 18%")], currency_id=usd.pk)
    pay(docs["usd"], "50.00", "card", D(2026, 10, 16))
    if FISCAL_LIFECYCLE:
        payment_record(invoice=docs["september_b15"], actor=None, amount=Decimal("11260.00"),
                       method="bank_transfer", date=D(2026, 10, 25),
                       withholdings=[{"kind": "itbis", "rate": "30"}])
        _notes(workspace, docs)
    else:
        pay(docs["september_b15"], "11800.00", "bank_transfer", D(2026, 10, 25))
    docs["contacts"] = {"company": company, "person": person, "walk_in": walk_in,
                        "free_zone": free_zone, "ministry": ministry}
    return docs


def _notes(workspace, docs) -> None:
    from invoicing.notes.services import credit_note_issue

    b04, e34 = fiscal_subtype(workspace, "B04"), e_subtype(workspace, "E34", "credit_note")

    def credit(original, subtype, on, price):
        return credit_note_issue(workspace=workspace, actor=None, invoice_id=original.pk,
                                 document_subtype_id=subtype.pk, modification_code=3,
                                 reason="Descuento por volumen", issue_date=on,
                                 items=[line(workspace, price, "ITBIS 18%")])

    docs["b04"] = credit(docs["b01"], b04, D(2026, 10, 20), "500.00")
    # A note on an e-CF waits for DGII's acceptance of it (API.md): DGII accepted this one.
    from invoicing.ecf.models import EcfRecord, EcfStatus
    EcfRecord.objects.filter(document_kind="invoice", document_id=docs["e31"].pk).update(
        status=EcfStatus.ACCEPTED)
    docs["e34"] = credit(docs["e31"], e34, D(2026, 10, 22), "100.00")
    docs["b04_late"] = credit(docs["september"], b04, D(2026, 10, 29), "200.00")
