"""The series' counter row is locked from the statement that takes the number until the
commit, so nothing may run after it but the writes that carry the number: no read, no
Redis, no network (DESIGN.md "Numbering"; the lock window caps a series' issuing rate)."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.invoices.helpers import customer, fiscal_subtype, product, tax

pytestmark = pytest.mark.django_db
COUNTER = re.compile(r'^UPDATE "fiscal_documentsubtype" SET "next_number"')
ALLOWED_AFTER = (
    re.compile(r'^UPDATE "invoices_invoice" SET "document_number"'),  # the number itself
    re.compile(r'^INSERT INTO "workspaces_activity"'),  # "Issued as B0100000001"
    re.compile(r'^UPDATE "workspaces_idempotencyrecord" SET "response_status"'),  # its answer
    re.compile(r"^(RELEASE )?SAVEPOINT"),
)


def _statements_after_the_counter(statements: list[str]) -> list[str]:
    positions = [i for i, sql in enumerate(statements) if COUNTER.search(sql)]
    assert len(positions) == 1, statements
    return statements[positions[0] + 1:]


def test_an_api_create_writes_only_the_number_and_its_answer_after_taking_it(api, workspace):
    subtype = fiscal_subtype(workspace)
    rice = product(workspace, tracks_inventory=True)
    body = {"contact_id": customer(workspace).pk, "document_subtype_id": subtype.pk,
            "items": [{"product_id": rice.pk, "quantity": "2"},
                      {"description": "Flete", "quantity": "1", "unit_price": "500.00",
                       "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]}
    # The test's transaction makes the request's own a savepoint: what is captured here is
    # exactly what ran before the request's commit.
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        response = api.post("/api/v1/invoices", body, format="json",
                            HTTP_IDEMPOTENCY_KEY="lock-window-1")
    assert response.status_code == 201, response.json()
    after = _statements_after_the_counter([q["sql"] for q in captured.captured_queries])
    unexpected = [sql for sql in after if not any(p.search(sql) for p in ALLOWED_AFTER)]
    assert unexpected == []
    assert any(sql.startswith('UPDATE "invoices_invoice"') for sql in after)
    assert any("idempotencyrecord" in sql for sql in after)


def test_issuing_a_draft_takes_the_number_last_too(workspace, owner):
    from invoicing.invoices import services
    from tests.invoices.helpers import make_invoice

    draft = make_invoice(workspace, draft=True, subtype=fiscal_subtype(workspace))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        services.invoice_issue(invoice=draft, actor=owner)
    after = _statements_after_the_counter([q["sql"] for q in captured.captured_queries])
    assert [sql for sql in after if not any(p.search(sql) for p in ALLOWED_AFTER)] == []
