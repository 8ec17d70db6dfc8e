"""An event wanted by an endpoint keeps the numbering lock window: it is decided (read)
before the number is taken and recorded after it with one INSERT of its outbox row, rendered
from what the service holds in memory (tests/fiscal/test_lock_window.py)."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from invoicing.invoices import services
from invoicing.webhooks import services as webhook_services
from tests.fiscal.test_lock_window import ALLOWED_AFTER, _statements_after_the_counter
from tests.invoices.helpers import customer, fiscal_subtype, make_invoice, product, tax

pytestmark = pytest.mark.django_db
EVENT_ROW = re.compile(r'^INSERT INTO "core_outboxmessage"')


def _subscribe(workspace):
    webhook_services.webhook_create(workspace=workspace, actor=None,
                                    url="https://erp.example.com/hooks",
                                    events=["invoice.issued"])


def _outside_the_rules(statements):
    after = _statements_after_the_counter(statements)
    assert sum(bool(EVENT_ROW.search(sql)) for sql in after) == 1, after
    return [sql for sql in after
            if not any(p.search(sql) for p in (*ALLOWED_AFTER, EVENT_ROW))]


def test_an_api_create_with_a_subscriber_only_writes_after_the_number(api, workspace):
    _subscribe(workspace)
    body = {"contact_id": customer(workspace).pk,
            "document_subtype_id": fiscal_subtype(workspace).pk,
            "items": [{"product_id": product(workspace, tracks_inventory=True).pk,
                       "quantity": "2"},
                      {"description": "Flete", "quantity": "1", "unit_price": "500.00",
                       "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]}
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        response = api.post("/api/v1/invoices", body, format="json")
    assert response.status_code == 201, response.json()
    assert _outside_the_rules([q["sql"] for q in captured.captured_queries]) == []


def test_issuing_a_draft_with_a_subscriber_only_writes_after_the_number(workspace, owner):
    _subscribe(workspace)
    draft = make_invoice(workspace, draft=True, subtype=fiscal_subtype(workspace))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        issued = services.invoice_issue(invoice=draft, actor=owner)
    assert _outside_the_rules([q["sql"] for q in captured.captured_queries]) == []
    from invoicing.core.models import OutboxMessage

    event = OutboxMessage.objects.get(topic="webhooks.fan_out").payload
    assert event["data"]["document_number"] == issued.document_number
    assert len(event["data"]["items"]) == 1
    # What was rendered from memory is what the API reads back.
    from invoicing.invoices.selectors import invoice_data_by_id

    assert {k: v for k, v in event["data"].items() if k != "object"} == \
        invoice_data_by_id(workspace, issued.pk)
