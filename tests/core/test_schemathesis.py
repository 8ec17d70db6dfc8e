"""Property-based run over the whole OpenAPI schema (schemathesis): no server error and no
response that contradicts the schema (status, content type, body: response_schema_conformance),
for a bounded number of generated requests per operation (`SCHEMATHESIS_EXAMPLES`, default
12). Calls go through the WSGI app, inside the test database. test_schema_conformance.py
walks every operation with valid requests on real objects."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from invoicing.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: requests must not close the test transaction's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_api(workspace, owner, keep_test_connection):
    """A workspace with one of each object, so ids like 1 or 2 sometimes hit real rows."""
    from tests.conftest import api_client_for
    from tests.invoices.helpers import make_invoice

    invoice = make_invoice(workspace)
    make_invoice(workspace, draft=True)
    from invoicing.invoices.payments import payment_record

    payment_record(invoice=invoice, actor=None, amount="10.00")
    from tests.factories import RncRegistryEntryFactory

    RncRegistryEntryFactory(tax_id="131246796")  # the schema's example of `/rnc/{tax_id}`
    return api_client_for(workspace, owner)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12")), deadline=None,
          derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_honours_its_schema(case, seeded_api):
    case.call_and_validate(headers={"Authorization": f"Bearer {seeded_api.api_key}"},
                           checks=CHECKS)


# Explicit examples: inputs a hostile tester sent that once answered 500. Each runs through the
# same checks as the generated cases and must answer the 4xx given, in the error shape.
# (operation path, method, case arguments or a callable(workspace) giving them, status)
HOSTILE_CASES = [
    pytest.param("/api/v1/contacts/", "POST",
                 {"body": b"[" * 100_000 + b"]" * 100_000, "media_type": "application/json"},
                 400, id="json-nested-100000-deep"),
    pytest.param("/api/v1/contacts/", "POST",
                 {"body": {"name": "Grande SRL", "notes": "x" * (3 * 1024 * 1024)},
                  "media_type": "application/json"}, 413, id="body-of-3-mb"),
    pytest.param("/api/v1/stock-movements/", "POST",
                 lambda product: {"body": {"product_id": product.pk,
                                           "quantity": "9999999999.9999",
                                           "kind": "adjustment", "note": "Conteo"},
                                  "media_type": "application/json"},
                 400, id="stock-adjustment-overflowing-the-column"),
]


@pytest.fixture
def stocked_product(workspace, owner):
    from invoicing.products.stock import stock_manual_record
    from tests.factories import ProductFactory

    item = ProductFactory(workspace=workspace, tracks_inventory=True)
    stock_manual_record(workspace=workspace, product=item, quantity="100000",
                        kind="adjustment", note="Inventario", actor=owner)
    return item


@pytest.mark.django_db
@pytest.mark.parametrize("path, method, arguments, expected", HOSTILE_CASES)
def test_hostile_inputs_answer_4xx_within_the_schema(path, method, arguments, expected,
                                                     seeded_api, stocked_product):
    if callable(arguments):
        arguments = arguments(stocked_product)
    case = schema[path][method].Case(**arguments)
    response = case.call(headers={"Authorization": f"Bearer {seeded_api.api_key}"})
    case.validate_response(response, checks=CHECKS)
    assert response.status_code == expected, response.text[:300]
    assert response.json()["error"]["code"]
