"""`credit_note.issued` and `debit_note.issued` (API.md "Webhooks") for every note, B and E:
recorded in the issuing transaction only when an endpoint wants them, decided before the
number is taken and recorded after it with one INSERT (the lock window), carrying the note
as the API answers it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from invoicing.core.models import OutboxMessage
from invoicing.webhooks import services as webhook_services
from tests.fiscal.test_lock_window import COUNTER
from tests.notes.helpers import amount_line, b01_invoice, credit, note_series

pytestmark = pytest.mark.django_db
CREDIT, DEBIT = "/api/v1/credit-notes", "/api/v1/debit-notes"


def _subscribe(workspace, *events):
    webhook_services.webhook_create(workspace=workspace, actor=None,
                                    url="https://erp.example.com/hooks", events=list(events))


def _events():
    return [m.payload for m in OutboxMessage.objects.filter(topic="webhooks.fan_out")
            .order_by("id")]


def lock_window(captured) -> list[str]:
    """The statements after the series' counter was advanced (tests/fiscal/test_lock_window)."""
    statements = [q["sql"] for q in captured.captured_queries]
    positions = [i for i, sql in enumerate(statements) if COUNTER.search(sql)]
    assert len(positions) == 1, statements
    return statements[positions[0] + 1:]


def test_b_series_notes_emit_their_issued_events_rendered_as_the_api_reads_them(api,
                                                                               workspace):
    _subscribe(workspace, "credit_note.issued", "debit_note.issued")
    b04, b03 = note_series(workspace)
    invoice = b01_invoice(workspace)
    credit = api.post(CREDIT, {"invoice_id": invoice.pk, "document_subtype_id": b04.pk,
                               "items": [amount_line("100.00", workspace)]}, format="json")
    assert credit.status_code == 201, credit.content
    debit = api.post(DEBIT, {"invoice_id": invoice.pk, "document_subtype_id": b03.pk,
                             "items": [amount_line("50.00", workspace)]}, format="json")
    assert debit.status_code == 201
    issued = _events()
    assert [e["type"] for e in issued] == ["credit_note.issued", "debit_note.issued"]
    for event, path, created in ((issued[0], CREDIT, credit), (issued[1], DEBIT, debit)):
        data = event["data"]
        assert data["object"] == created.json()["document_type"]
        note = api.get(f"{path}/{created.json()['id']}").json()
        assert {k: v for k, v in data.items() if k not in ("object", "updated_at")} == \
            {k: v for k, v in note.items() if k != "updated_at"}
        assert event["id"].startswith("msg_") and event["timestamp"]


def test_no_endpoint_no_event_and_only_the_wanted_type(api, workspace):
    b04, b03 = note_series(workspace)
    invoice = b01_invoice(workspace)
    api.post(CREDIT, {"invoice_id": invoice.pk, "document_subtype_id": b04.pk,
                      "items": [amount_line("10.00", workspace)]}, format="json")
    assert _events() == []
    _subscribe(workspace, "debit_note.issued")
    api.post(CREDIT, {"invoice_id": invoice.pk, "document_subtype_id": b04.pk,
                      "items": [amount_line("10.00", workspace)]}, format="json")
    assert _events() == []
    api.post(DEBIT, {"invoice_id": invoice.pk, "document_subtype_id": b03.pk,
                     "items": [amount_line("10.00", workspace)]}, format="json")
    assert [e["type"] for e in _events()] == ["debit_note.issued"]


def test_a_refused_note_records_no_event(api, workspace):
    _subscribe(workspace, "credit_note.issued")
    b04, _b03 = note_series(workspace)
    invoice = b01_invoice(workspace)
    response = api.post(CREDIT, {"invoice_id": invoice.pk, "document_subtype_id": b04.pk,
                                 "items": [amount_line("99999.00", workspace)]}, format="json")
    assert response.status_code == 400
    assert _events() == []


def test_the_event_is_decided_before_the_number_and_recorded_after_it(workspace):
    _subscribe(workspace, "credit_note.issued")
    b04, _b03 = note_series(workspace)
    invoice = b01_invoice(workspace)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        credit(workspace, invoice, document_subtype_id=b04.pk,
               items=[amount_line("100.00", workspace)])
    after = lock_window(captured)
    assert [sql for sql in after if sql.startswith("SELECT")] == []
    assert sum(sql.startswith('INSERT INTO "core_outboxmessage"') for sql in after) == 1
