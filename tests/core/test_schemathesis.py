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
