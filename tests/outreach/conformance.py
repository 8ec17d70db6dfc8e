"""Outreach's calls for the schema conformance walk (tests/core/test_schema_conformance.py)."""

from __future__ import annotations

from django.utils import timezone


def walk_outreach(walk, seed) -> None:
    invoice, quotation = seed["invoice"].pk, seed["quotation"].pk
    walk("POST", "/invoices/{id}/send/", 202, id=invoice,
         body={"to": ["compras@hidalgos.do"], "cc": [], "message": "Adjunta su factura."})
    walk("POST", "/quotations/{id}/send/", 202, id=quotation, body={"message": "Saludos"})
    from tests.notes.helpers import amount_line, b01_invoice, credit, debit

    workspace = seed["invoice"].workspace
    original = b01_invoice(workspace)
    notes = {"credit-notes": credit(workspace, original, items=[amount_line("10.00",
                                                                            workspace)]).pk,
             "debit-notes": debit(workspace, original, items=[amount_line("10.00",
                                                                          workspace)]).pk}
    for resource, pk in notes.items():
        walk("POST", f"/{resource}/{{id}}/send/", 202, id=pk, body={"to": ["a@hidalgos.do"]})
    for resource, pk in (("invoices", invoice), ("quotations", quotation), *notes.items()):
        assert walk("GET", f"/{resource}/{{id}}/emails/", id=pk)
        assert walk("GET", f"/{resource}/{{id}}/share/", id=pk)["url"]
        walk("POST", f"/{resource}/{{id}}/share/revoke/", 204, id=pk)

    walk("GET", "/outreach/settings/")
    walk("PATCH", "/outreach/settings/", body={"reminders_enabled": True,
                                                "reminder_days": [-3, 0, 7]})
    body = {"contact_id": seed["contact"].pk, "document_subtype_id": seed["subtype"].pk,
            "items": [{"description": "Iguala mensual", "quantity": "1",
                       "unit_price": "3500.00", "tax_ids": [seed["itbis"].pk]}],
            "frequency": "monthly", "start_date": str(timezone.localdate())}
    template = walk("POST", "/recurring-invoices/", 201, body=body)
    assert walk("GET", "/recurring-invoices/", query={"per_page": 1})["results"]
    walk("GET", "/recurring-invoices/{id}/", id=template["id"])
    walk("PATCH", "/recurring-invoices/{id}/", id=template["id"], body={"send": True})
    walk("PUT", "/recurring-invoices/{id}/", id=template["id"], body={**body, "interval": 2})
    walk("DELETE", "/recurring-invoices/{id}/", 204, id=template["id"])
