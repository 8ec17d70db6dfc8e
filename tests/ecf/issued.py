"""E-series invoices issued through the product (the API), one per case of issue 14, for the
tests that check what issuing stored and what DGII receives."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from invoicing.contacts.models import TaxIdType
from invoicing.fiscal.models import DocumentSubtype, Tax, TaxKind
from tests.factories import CurrencyFactory
from tests.invoices.helpers import customer, tax

TODAY = timezone.localdate()


def prepare_issuer(workspace) -> None:
    """DGII requires the issuer's address (DireccionEmisor); the shared fixture has none."""
    workspace.address = "Av. Winston Churchill 1099, Santo Domingo"
    workspace.phone = "809-555-1234"
    workspace.save(update_fields=["address", "phone"])


NOTE_KINDS = {"E33": "debit_note", "E34": "credit_note"}


def ecf_series(workspace, code: str, *, end: int = 5000) -> DocumentSubtype:
    subtype, _created = DocumentSubtype.objects.get_or_create(
        workspace=workspace, ncf_type=code,
        defaults={"name": code, "document_type": NOTE_KINDS.get(code, "invoice")})
    if subtype.range_start is None:
        subtype.prefix, subtype.padding = "", 10
        subtype.range_start, subtype.next_number, subtype.range_end = 1, 1, end
        subtype.valid_until = None if code in ("E32", "E34") else \
            TODAY.replace(year=TODAY.year + 1, month=12, day=31)
        subtype.save()
    return subtype


def _line(workspace, description, quantity, price, *taxes):
    return {"description": description, "quantity": quantity, "unit_price": price,
            "tax_ids": [tax(workspace, name).pk for name in taxes]}


def _zero_rate(workspace) -> None:
    Tax.objects.get_or_create(workspace=workspace, name="ITBIS 0%",
                              defaults={"kind": TaxKind.ITBIS, "rate": Decimal("0")})


def _usd(workspace):
    from workspaces.services import exchange_rate_set

    usd = CurrencyFactory(workspace=workspace, code="USD", exchange_rate=Decimal("60.5000"))
    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5000"), effective_date=TODAY)
    return usd


def body(workspace, name: str) -> tuple[str, dict]:
    """(XSD kind, POST /invoices body) of one case."""
    ws = workspace
    if name == "E31":
        return "31", {"contact_id": customer(ws).pk, "items": [
            _line(ws, "Consultoría", "2", "15000.00", "ITBIS 18%"),
            _line(ws, "Leche", "12", "85.50", "ITBIS 16%"),
            _line(ws, "Libro", "1", "1250.00", "Exento"),
            _line(ws, "Almuerzo", "3", "650.00", "ITBIS 18%", "Propina legal 10%")],
            "document_subtype_id": ecf_series(ws, "E31").pk}
    if name == "E32 over RD$250,000":
        return "32", {"contact_id": customer(ws, name="Juan Pérez", tax_id_type=TaxIdType.CEDULA,
                                             tax_id="00113918205").pk,
                      "items": [_line(ws, "Nevera industrial", "2", "150000.00", "ITBIS 18%")],
                      "document_subtype_id": ecf_series(ws, "E32").pk}
    if name == "E32 under RD$250,000":
        return "32", {"contact_id": customer(ws, name="Consumidor final",
                                             tax_id_type=TaxIdType.NONE, tax_id="").pk,
                      "items": [_line(ws, "Pizza", "1", "950.00", "ITBIS 18%",
                                      "Propina legal 10%")],
                      "document_subtype_id": ecf_series(ws, "E32").pk}
    if name == "E44":
        return "44", {"contact_id": customer(ws, name="Zona Franca SA").pk,
                      "items": [_line(ws, "Servicio", "1", "4200.00", "Exento")],
                      "document_subtype_id": ecf_series(ws, "E44").pk}
    if name == "E45":
        return "45", {"contact_id": customer(ws, name="Ministerio de Educación",
                                             tax_id="401506254").pk,
                      "items": [_line(ws, "Papel", "200", "325.00", "ITBIS 18%")],
                      "document_subtype_id": ecf_series(ws, "E45").pk}
    if name == "E46":
        _zero_rate(ws)
        return "46", {"contact_id": customer(ws, name="Cacao Export Corp",
                                             tax_id="401506254").pk,
                      "items": [_line(ws, "Cacao", "40", "9800.00", "ITBIS 0%"),
                                _line(ws, "Flete", "1", "5000.00", "ITBIS 0%")],
                      "document_subtype_id": ecf_series(ws, "E46").pk}
    if name == "E31 in USD":
        return "31", {"contact_id": customer(ws).pk, "currency_id": _usd(ws).pk, "items": [
            _line(ws, "Software license", "3", "1199.99", "ITBIS 18%"),
            _line(ws, "Training book", "2", "45.50", "Exento")],
            "document_subtype_id": ecf_series(ws, "E31").pk}
    raise KeyError(name)


CASES = ["E31", "E32 over RD$250,000", "E32 under RD$250,000", "E44", "E45", "E46",
         "E31 in USD"]


def issue(api, workspace, name: str = "E31") -> dict:
    """The invoice of case `name` (see `body`) issued through the API, as it answered."""
    _kind, data = body(workspace, name)
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()
