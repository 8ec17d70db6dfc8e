"""Every operation of the OpenAPI schema, called on real objects with a valid request,
answers what the schema says: its documented status, content type and response schema
(schemathesis' checks, on chosen data rather than generated data, so every success path is
validated, not only the 4xx that random ids mostly reach). A route added without a call
here fails `test_every_operation_is_walked`. Also: documented error responses, and the
schema itself (the same bytes in any language, integer ids, valid examples).

tests/core/test_schemathesis.py fuzzes the same schema with generated requests.
"""

from __future__ import annotations

import datetime
import json

import pytest
import schemathesis
from django.utils import timezone
from schemathesis.core import NOT_SET

from invoicing.wsgi import application
from tests.core.test_schemathesis import CHECKS, keep_test_connection  # noqa: F401

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
PREFIX = "/api/v1"

pytestmark = pytest.mark.django_db


def operations() -> set[tuple[str, str]]:
    raw = SCHEMA.raw_schema
    return {(method.upper(), path) for path, item in raw["paths"].items()
            for method in item if method in {"get", "post", "put", "patch", "delete"}}


class Walk:
    """Calls operations by (method, schema path) and validates each answer."""

    def __init__(self, api_key: str):
        self.headers = {"Authorization": f"Bearer {api_key}"}
        self.walked: set[tuple[str, str]] = set()

    def __call__(self, method: str, path: str, status: int = 200, *, body=NOT_SET,
                 query: dict | None = None, headers: dict | None = None,
                 media_type: str | None = None, **path_parameters):
        path = f"{PREFIX}{path}"
        case = SCHEMA[path][method].Case(path_parameters=path_parameters or None,
                                          query=query, body=body, media_type=media_type)
        response = case.call_and_validate(headers={**self.headers, **(headers or {})},
                                          checks=CHECKS)
        assert response.status_code == status, (method, path, response.status_code,
                                                response.content[:500])
        if 200 <= status < 300:
            self.walked.add((method, path))
        if response.content[:1] in (b"{", b"["):
            return json.loads(response.content)
        return response


@pytest.fixture
def seed(workspace, owner, keep_test_connection):  # noqa: F811
    from invoicing.products.models import MovementKind
    from invoicing.products.stock import stock_movement_record
    from tests.conftest import api_client_for
    from tests.factories import RncRegistryEntryFactory, SalesmanFactory
    from tests.invoices.helpers import customer, make_invoice, plain_subtype, product, tax
    from tests.quotations.helpers import make_quotation

    contact = customer(workspace, name="Farmacia Los Hidalgos SRL", tax_id="101850043")
    item = product(workspace, sku="CEM-42", tracks_inventory=True)
    movement = stock_movement_record(workspace=workspace, product=item, quantity=10,
                                     kind=MovementKind.PURCHASE, note="Compra", actor=None)
    invoice = make_invoice(workspace, contact=contact,
                           items=[{"product_id": item.pk, "quantity": "2"}])
    from invoicing.invoices.payments import payment_record

    payment = payment_record(invoice=invoice, actor=None, amount="10.00")
    return {
        "key": api_client_for(workspace, owner).api_key, "workspace": workspace,
        "contact": contact, "product": item, "movement": movement, "invoice": invoice,
        "payment": payment, "itbis": tax(workspace, "ITBIS 18%"),
        "subtype": plain_subtype(workspace), "salesman": SalesmanFactory(workspace=workspace),
        "quotation": make_quotation(workspace, contact=contact),
        "rnc": RncRegistryEntryFactory(tax_id="131246796"),
    }


def invoice_body(seed, **extra) -> dict:
    return {"contact_id": seed["contact"].pk, "document_subtype_id": seed["subtype"].pk,
            "items": [{"product_id": seed["product"].pk, "quantity": "1"},
                      {"description": "Instalación", "quantity": "1.5", "unit_price": "800.00",
                       "tax_ids": [seed["itbis"].pk]}], **extra}


def quotation_body(seed, **extra) -> dict:
    return {"contact_id": seed["contact"].pk,
            "items": [{"description": "Consultoría", "quantity": "2", "unit_price": "1000.00",
                       "tax_ids": [seed["itbis"].pk]}], **extra}


def walk_reads(walk: Walk, seed) -> None:
    for resource in ("contacts", "currencies", "document-subtypes", "invoices", "payments",
                     "products", "quotations", "salesmen", "stock-movements", "taxes"):
        page = walk("GET", f"/{resource}/", query={"per_page": 1})
        assert page["results"], resource
    from workspaces.models import Currency

    usd = Currency.objects.get(workspace=seed["workspace"], code="USD")
    for path, pk in [("/contacts/{id}/", seed["contact"].pk), ("/currencies/{id}/", usd.pk),
                     ("/currencies/{id}/rates/", usd.pk),
                     ("/document-subtypes/{id}/", seed["subtype"].pk),
                     ("/invoices/{id}/", seed["invoice"].pk),
                     ("/payments/{id}/", seed["payment"].pk),
                     ("/products/{id}/", seed["product"].pk),
                     ("/quotations/{id}/", seed["quotation"].pk),
                     ("/salesmen/{id}/", seed["salesman"].pk),
                     ("/stock-movements/{id}/", seed["movement"].pk),
                     ("/taxes/{id}/", seed["itbis"].pk)]:
        walk("GET", path, id=pk)
    for path, pk in [("/invoices/{id}/pdf/", seed["invoice"].pk),
                     ("/quotations/{id}/pdf/", seed["quotation"].pk)]:
        assert walk("GET", path, id=pk, query={"inline": 1}).content.startswith(b"%PDF")
    assert walk("GET", "/rnc/{tax_id}/", tax_id="1-31-24679-6")["tax_id"] == "131246796"
    walk_reports(walk)


def walk_reports(walk: Walk) -> None:
    month = timezone.localdate().strftime("%Y%m")
    for path in ("/reports/dgii-607/", "/reports/dgii-608/"):
        assert walk("GET", path, query={"period": month}).content.startswith(path[-4:-1].encode())
    walk("GET", "/reports/dgii-607/summary/", query={"period": month})
    walk("GET", "/reports/itbis/", query={"period": month})
    walk("GET", "/reports/receivables/")
    for group_by in ("day", "contact", "salesman"):
        walk("GET", "/reports/sales/", query={"group_by": group_by})
    walk("GET", "/reports/sales/", query={"format": "csv"})


def walk_catalog_writes(walk: Walk, seed) -> None:
    contact = walk("POST", "/contacts/", 201, body={
        "name": "Constructora Bisonó SRL", "tax_id_type": "rnc", "tax_id": "1-31-24679-6",
        "email": "compras@bisono.do", "payment_terms_days": 30})
    walk("PATCH", "/contacts/{id}/", id=contact["id"], body={"phone": "809-562-1010"})
    walk("PUT", "/contacts/{id}/", id=contact["id"], body={"name": "Constructora Bisonó"})
    walk("DELETE", "/contacts/{id}/", 204, id=contact["id"])

    item = walk("POST", "/products/", 201, body={
        "sku": "VAR-38", "name": "Varilla 3/8", "unit_price": "285.50",
        "tax_ids": [seed["itbis"].pk], "tracks_inventory": True})
    walk("POST", "/stock-movements/", 201, body={
        "product_id": item["id"], "quantity": "25", "kind": "purchase", "note": "Compra"})
    walk("PATCH", "/products/{id}/", id=item["id"], body={"unit_price": "290.00"})
    walk("PUT", "/products/{id}/", id=item["id"], body={"sku": "VAR-38", "name": "Varilla"})
    spare = walk("POST", "/products/", 201, body={"sku": "X-1", "name": "Sin uso"})
    walk("DELETE", "/products/{id}/", 204, id=spare["id"])

    new_tax = walk("POST", "/taxes/", 201, body={"name": "ISC 10%", "kind": "isc", "rate": "10"})
    walk("PATCH", "/taxes/{id}/", id=new_tax["id"], body={"rate": "12.00"})
    walk("PUT", "/taxes/{id}/", id=new_tax["id"],
         body={"name": "ISC 12%", "kind": "isc", "rate": "12"})
    walk("DELETE", "/taxes/{id}/", 204, id=new_tax["id"])

    euro = walk("POST", "/currencies/", 201, body={
        "code": "EUR", "name": "Euro", "symbol": "€", "exchange_rate": "64.10"})
    walk("POST", "/currencies/{id}/rates/", 201, id=euro["id"], body={
        "rate": "63.90", "effective_date": str(timezone.localdate() - datetime.timedelta(1))})
    walk("PATCH", "/currencies/{id}/", id=euro["id"], body={"symbol": "EUR€"})
    walk("PUT", "/currencies/{id}/", id=euro["id"], body={"code": "EUR", "name": "Euro"})
    walk("DELETE", "/currencies/{id}/", 204, id=euro["id"])

    seller = walk("POST", "/salesmen/", 201, body={"name": "Ana Báez",
                                                   "commission_rate": "2.50"})
    walk("PATCH", "/salesmen/{id}/", id=seller["id"], body={"email": "ana@example.com"})
    walk("PUT", "/salesmen/{id}/", id=seller["id"], body={"name": "Ana L. Báez"})
    walk("DELETE", "/salesmen/{id}/", 204, id=seller["id"])

    series = walk("POST", "/document-subtypes/", 201, body={
        "name": "Factura sucursal", "document_type": "invoice", "prefix": "SUC-"})
    walk("PATCH", "/document-subtypes/{id}/", id=series["id"], body={"padding": 5})
    walk("PUT", "/document-subtypes/{id}/", id=series["id"],
         body={"name": "Factura sucursal Santiago", "prefix": "STI-"})
    walk("DELETE", "/document-subtypes/{id}/", 204, id=series["id"])
    from invoicing.fiscal.models import DocumentSubtype

    b15 = DocumentSubtype.objects.get(workspace_id=seed["subtype"].workspace_id,
                                      ncf_type="B15")
    walk("POST", "/document-subtypes/{id}/ranges/", 201, id=b15.pk,
         body={"range_start": 1, "range_end": 100})


def walk_document_writes(walk: Walk, seed) -> None:
    issued = walk("POST", "/invoices/", 201, body=invoice_body(seed, payment_term="Net 30"))
    walk("POST", "/payments/", 201, body={"invoice_id": issued["id"], "amount": "100.00",
                                          "method": "bank_transfer", "reference": "TRF-1"})
    payment = walk("GET", "/payments/", query={"invoice_id": issued["id"]})["results"][0]
    walk("DELETE", "/payments/{id}/", 204, id=payment["id"])
    walk("POST", "/invoices/{id}/cancel/", id=issued["id"], body={"reason_code": "01"})

    draft = walk("POST", "/invoices/", 201, body=invoice_body(seed, status="draft"))
    walk("PATCH", "/invoices/{id}/", id=draft["id"], body={"notes": "Entregar en obra"})
    walk("PUT", "/invoices/{id}/", id=draft["id"], body=invoice_body(seed))
    walk("POST", "/invoices/{id}/issue/", id=draft["id"])
    other = walk("POST", "/invoices/", 201, body=invoice_body(seed, status="draft"))
    walk("DELETE", "/invoices/{id}/", 204, id=other["id"])
    from invoicing.fiscal.models import DocumentSubtype

    b01 = DocumentSubtype.objects.get(workspace=seed["workspace"], ncf_type="B01")
    walk("POST", "/invoices/validate-ncf/", body={"ncf": "B0100000001",
                                                  "document_subtype_id": b01.pk})

    offer = walk("POST", "/quotations/", 201, body=quotation_body(seed))
    walk("PATCH", "/quotations/{id}/", id=offer["id"], body={"notes": "Precios por 30 días"})
    walk("PUT", "/quotations/{id}/", id=offer["id"], body=quotation_body(seed))
    walk("POST", "/quotations/{id}/send/", 202, id=offer["id"], body={})
    walk("POST", "/quotations/{id}/accept/", id=offer["id"])
    walk("POST", "/quotations/{id}/convert/", 201, id=offer["id"],
         body={"document_subtype_id": seed["subtype"].pk})
    refused = walk("POST", "/quotations/", 201, body=quotation_body(seed))
    walk("POST", "/quotations/{id}/send/", 202, id=refused["id"], body={})
    walk("POST", "/quotations/{id}/reject/", id=refused["id"], body={"reason": "Muy caro"})
    spare = walk("POST", "/quotations/", 201, body=quotation_body(seed))
    walk("DELETE", "/quotations/{id}/", 204, id=spare["id"])


def walk_webhooks(walk: Walk, seed) -> None:
    from invoicing.core import outbox

    hook = walk("POST", "/webhooks/", 201, body={
        "url": "https://erp.example.invalid/hooks", "events": ["invoice.issued"],
        "description": "ERP"})
    walk("GET", "/webhooks/", query={"per_page": 1})
    walk("GET", "/webhooks/{id}/", id=hook["id"])
    walk("POST", "/invoices/", 201, body=invoice_body(seed))
    outbox.drain(topics={"webhooks.fan_out", "webhooks.deliver"})  # the attempt fails: no DNS
    log = walk("GET", "/webhooks/{id}/deliveries/", id=hook["id"])
    assert log["results"][0]["attempts"][0]["error"]
    walk("POST", "/webhooks/{id}/deliveries/{delivery_id}/retry/", 202, id=hook["id"],
         delivery_id=log["results"][0]["id"])
    walk("PATCH", "/webhooks/{id}/", id=hook["id"], body={"events": ["invoice.paid"]})
    walk("PUT", "/webhooks/{id}/", id=hook["id"], body={
        "url": "https://erp.example.invalid/v2", "events": ["invoice.paid"]})
    walk("DELETE", "/webhooks/{id}/", 204, id=hook["id"])


def walk_ecf(walk: Walk, seed) -> None:
    """The e-CF set-up, then an issued E31's signed XML and its retry."""
    from invoicing.invoices import services
    from tests.ecf.certs import PASSWORD, p12_for
    from tests.ecf.issued import body, prepare_issuer

    workspace = seed["workspace"]
    walk("PATCH", "/ecf/settings/", body={"environment": "certecf"})
    walk("GET", "/ecf/settings/")
    walk("POST", "/ecf/certificate/", 201, media_type="multipart/form-data",
         body={"file": p12_for(workspace.rnc, workspace.name), "password": PASSWORD})
    walk("GET", "/ecf/certificate/")
    prepare_issuer(workspace)
    _kind, data = body(workspace, "E31")
    invoice = services.invoice_create(workspace=workspace, actor=None, **data)
    assert walk("GET", "/invoices/{id}/xml/", id=invoice.pk).content.startswith(b"<")
    assert walk("POST", "/invoices/{id}/ecf/retry/", 202, id=invoice.pk)["status"] == "signed"
    from invoicing.ecf.models import EcfRecord

    EcfRecord.objects.filter(document_id=invoice.pk).update(status="rejected")
    again = walk("POST", "/invoices/{id}/reissue/", 201, id=invoice.pk)
    assert again["ecf"]["status"] == "signed"
    walk_ecf_notes(walk, seed)
    walk("DELETE", "/ecf/certificate/", 204)


def walk_ecf_notes(walk: Walk, seed) -> None:
    """An E34 and an E33 (on a B01): their `ecf` block, signed XML and retry."""
    from tests.ecf.issued import ecf_series
    from tests.notes.helpers import amount_line, b01_invoice

    workspace = seed["workspace"]
    original = b01_invoice(workspace, contact=seed["contact"])
    for kind, code in (("credit-notes", "E34"), ("debit-notes", "E33")):
        note = walk("POST", f"/{kind}/", 201, body={
            "invoice_id": original.pk, "document_subtype_id": ecf_series(workspace, code).pk,
            "items": [amount_line("10.00", workspace)]})
        assert note["ecf"]["status"] == "signed"
        walk("GET", f"/{kind}/", query={"ecf_status": "signed"})
        assert walk("GET", f"/{kind}/{{id}}/xml/", id=note["id"]).content.startswith(b"<")
        assert walk("POST", f"/{kind}/{{id}}/ecf/retry/", 202, id=note["id"])["status"] == \
            "signed"


def walk_notes(walk: Walk, seed) -> None:
    from invoicing.contacts.models import Contact
    from tests.notes.helpers import amount_line, b01_invoice

    workspace = seed["workspace"]
    original = b01_invoice(workspace, contact=seed["contact"])
    for kind in ("credit-notes", "debit-notes"):
        note = walk("POST", f"/{kind}/", 201, body={
            "invoice_id": original.pk, "reason": "Ajuste",
            "items": [amount_line("10.00", workspace)]})
        walk("GET", f"/{kind}/", query={"invoice_id": original.pk})
        walk("GET", f"/{kind}/{{id}}/", id=note["id"])
        assert walk("GET", f"/{kind}/{{id}}/pdf/", id=note["id"]).content.startswith(b"%PDF")
        walk("POST", f"/{kind}/{{id}}/cancel/", id=note["id"], body={"reason_code": "04"})
    Contact.objects.filter(pk=seed["contact"].pk).update(credit_balance="50.00")
    walk("POST", "/contacts/{id}/refunds/", 201, id=seed["contact"].pk,
         body={"amount": "20.00", "method": "cash"})
    walk("GET", "/contacts/{id}/refunds/", id=seed["contact"].pk)


def test_every_operation_is_walked(seed):
    walk = Walk(seed["key"])
    walk_reads(walk, seed)
    walk_catalog_writes(walk, seed)
    walk_document_writes(walk, seed)
    walk_webhooks(walk, seed)
    walk_ecf(walk, seed)
    walk_notes(walk, seed)
    from tests.outreach.conformance import walk_outreach

    walk_outreach(walk, seed)
    missing = sorted(operations() - walk.walked)
    assert not missing, f"add a call for each of {missing} in {__name__}"


def test_documented_errors_have_the_error_shape(seed):
    walk = Walk(seed["key"])
    walk("GET", "/invoices/", 400, query={"sort": "colour"})
    walk("GET", "/invoices/", 404, query={"page": 999})
    walk("GET", "/contacts/{id}/", 404, id=10**9)
    walk("GET", "/rnc/{tax_id}/", 400, tax_id="123456789")
    walk("GET", "/rnc/{tax_id}/", 404, tax_id="101850043")
    walk("POST", "/invoices/", 400, body={"contact_id": seed["contact"].pk, "items": []})
    walk("DELETE", "/contacts/{id}/", 409, id=seed["contact"].pk)
    walk("POST", "/invoices/{id}/issue/", 409, id=seed["invoice"].pk)
    walk("GET", "/contacts/", 406, headers={"Accept": "text/html"})
    once = {"Idempotency-Key": "conformance-1"}
    walk("POST", "/taxes/", 201, headers=once, body={"name": "ISC 5%", "kind": "isc",
                                                     "rate": "5"})
    walk("POST", "/taxes/", 422, headers=once, body={"name": "ISC 6%", "kind": "isc",
                                                     "rate": "6"})
    walk.headers = {"Authorization": "Bearer inv_not-a-key"}
    walk("GET", "/contacts/", 401)


def test_the_schema_is_the_same_bytes_in_every_language(client):
    bodies = set()
    for language in ("es", "en", "es-DO,es;q=0.9,en;q=0.5", "fr"):
        for query in ("?format=json", "", "?format=json&lang=es"):
            response = client.get(f"/api/v1/schema/{query}", HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            bodies.add((query.split("&")[0], response.content))
    assert len(bodies) == 2  # one JSON, one YAML
    json_body = next(body for query, body in bodies if query)
    assert b"Customer and supplier" in json_body and b"Cliente y suplidor" not in json_body


def test_api_errors_still_follow_the_language(api):
    spanish = api.get("/api/v1/invoices?sort=colour", HTTP_ACCEPT_LANGUAGE="es")
    english = api.get("/api/v1/invoices?sort=colour", HTTP_ACCEPT_LANGUAGE="en")
    assert spanish.status_code == english.status_code == 400
    assert spanish.json()["error"]["message"] != english.json()["error"]["message"]


def test_ids_are_integers_in_paths_and_filters():
    raw = SCHEMA.raw_schema
    seen = 0
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if name == "id" or (name.endswith("_id") and name != "tax_id"):
                    seen += 1
                    assert parameter["schema"]["type"] == "integer", (method, path, name)
    assert seen > 50


def test_id_filters_refuse_what_is_not_a_whole_number(api):
    response = api.get("/api/v1/invoices", {"contact_id": "1.5"})
    assert response.status_code == 400
    assert "contact_id" in response.json()["error"]["fields"]
    assert api.get("/api/v1/stock-movements", {"product_id": "abc"}).status_code == 400


def test_examples_in_the_schema_fit_their_schemas():
    import jsonschema

    raw = SCHEMA.raw_schema
    checked = 0

    def resolve(schema):
        ref = schema.get("$ref")
        return raw["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema

    def visit(node):
        nonlocal checked
        if isinstance(node, dict):
            schema = node.get("schema")
            if isinstance(schema, dict):
                for example in (node.get("examples") or {}).values():
                    jsonschema.validate(example["value"], resolve(schema))
                    checked += 1
            if "example" in node and "type" in node:
                plain = {key: value for key, value in node.items() if key != "example"}
                jsonschema.validate(node["example"], json.loads(json.dumps(plain)))
                checked += 1
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(raw)
    assert checked > 10
