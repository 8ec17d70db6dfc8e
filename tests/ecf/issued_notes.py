"""E-series notes (E34, E33) issued through the API, one per case of issue 14: notes of an E31
whose record a fixture marks accepted, of a B01 invoice, and of a document kept outside the
system (by NCF), within and over 30 days."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from invoicing.ecf.models import EcfRecord, EcfStatus
from tests.invoices.helpers import customer, tax
from tests.notes.helpers import b01_invoice

from .issued import body, ecf_series

TODAY = timezone.localdate()
PATHS = {"credit_note": "/api/v1/credit-notes", "debit_note": "/api/v1/debit-notes"}


def accepted_e31(api, workspace, *, status: str = EcfStatus.ACCEPTED) -> dict:
    """An E31 issued through the API whose e-CF a fixture marks as DGII's verdict."""
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    invoice = response.json()
    EcfRecord.objects.filter(document_kind="invoice", document_id=invoice["id"]).update(
        status=status)
    return invoice


def amount_line(workspace, amount: str, description="Ajuste de precio", rate="ITBIS 18%"):
    return {"description": description, "quantity": "1", "unit_price": amount,
            "tax_ids": [tax(workspace, rate).pk]}


def _b01(workspace, days: int):
    return b01_invoice(workspace, issue_date=TODAY - dt.timedelta(days=days), items=[
        amount_line(workspace, "1500.00", "Consultoría"),
        amount_line(workspace, "300.00", "Libro", rate="Exento")])


def note_body(api, workspace, name: str) -> tuple[str, str, dict]:
    """(XSD kind, note kind, POST body) of one case."""
    ws = workspace
    e34, e33 = ecf_series(ws, "E34").pk, ecf_series(ws, "E33").pk
    if name == "E34 code 3 within 30 days of an accepted E31":
        original = accepted_e31(api, ws)
        line = original["items"][0]
        return "34", "credit_note", {
            "invoice_id": original["id"], "document_subtype_id": e34,
            "modification_code": 3, "reason": "Devolución parcial",
            "items": [{"invoice_item_id": line["id"], "quantity": "1"},
                      amount_line(ws, "125.50")]}
    if name == "E34 code 1 within 30 days of an accepted E31":
        original = accepted_e31(api, ws)
        return "34", "credit_note", {"invoice_id": original["id"],
                                     "document_subtype_id": e34, "full": True,
                                     "reason": "Anulación de la factura"}
    if name == "E34 code 1 over 30 days of a B01":
        original = _b01(ws, 45)
        return "34", "credit_note", {"invoice_id": original.pk, "document_subtype_id": e34,
                                     "full": True}
    if name == "E34 code 3 over 30 days of a document outside the system":
        return "34", "credit_note", {
            "modified_ncf": "B0100000917", "document_subtype_id": e34,
            "modified_issue_date": (TODAY - dt.timedelta(days=40)).isoformat(),
            "contact_id": customer(ws, name="Colmado Don Luis").pk,
            "modification_code": 3, "reason": "Descuento por volumen",
            "items": [amount_line(ws, "850.00")]}
    if name == "E33 of an accepted E31":
        original = accepted_e31(api, ws, status=EcfStatus.ACCEPTED_CONDITIONAL)
        return "33", "debit_note", {"invoice_id": original["id"], "document_subtype_id": e33,
                                    "reason": "Intereses por mora",
                                    "items": [amount_line(ws, "420.00", "Intereses")]}
    if name == "E33 of a B01":
        original = _b01(ws, 5)
        return "33", "debit_note", {"invoice_id": original.pk, "document_subtype_id": e33,
                                    "items": [amount_line(ws, "90.00", "Flete")]}
    if name == "E33 of a document outside the system":
        return "33", "debit_note", {
            "modified_ncf": "E310000000777", "document_subtype_id": e33,
            "modified_issue_date": (TODAY - dt.timedelta(days=3)).isoformat(),
            "contact_id": customer(ws, name="Ferretería Ochoa").pk,
            "items": [amount_line(ws, "200.00", "Flete")]}
    raise KeyError(name)


CASES = ["E34 code 3 within 30 days of an accepted E31",
         "E34 code 1 within 30 days of an accepted E31",
         "E34 code 1 over 30 days of a B01",
         "E34 code 3 over 30 days of a document outside the system",
         "E33 of an accepted E31", "E33 of a B01", "E33 of a document outside the system"]


def issue_note(api, workspace, name: str) -> tuple[str, dict]:
    """(XSD kind, the note as the API answered its POST)."""
    kind, note_kind, data = note_body(api, workspace, name)
    response = api.post(PATHS[note_kind], data, format="json")
    assert response.status_code == 201, response.content
    return kind, response.json()
