"""E-series notes go to DGII through the same outbox pipeline as invoices (issue 15), here
against the fake DGII in-process: an E31 accepted for real, then an E34 and an E33 on it,
each received once (the fake validates the XSD of its type and the signature) and accepted;
the note's API object and page follow."""

from __future__ import annotations

import pytest

from invoicing.ecf.models import EcfRecord, EcfStatus
from tests.fakes.dgii_scenarios import Scenario

from .issued import body, ecf_series, prepare_issuer
from .issued_notes import amount_line, issue_note
from .sending_helpers import record_of, settle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]


@pytest.fixture(autouse=True)
def _fast(workspace, settings, fake_dgii):
    prepare_issuer(workspace)
    settings.ECF_BACKOFF_SECONDS = (0.05,)


def _note_record(note) -> EcfRecord:
    return EcfRecord.objects.get(document_kind=note["document_type"], document_id=note["id"])


def test_notes_of_an_e31_dgii_accepted_are_received_once_and_accepted(api, workspace,
                                                                      fake_dgii):
    _kind, data = body(workspace, "E31")
    invoice = api.post("/api/v1/invoices", data, format="json").json()
    # Before DGII's verdict no note may modify it.
    early = api.post("/api/v1/credit-notes", {
        "invoice_id": invoice["id"], "document_subtype_id": ecf_series(workspace, "E34").pk,
        "full": True}, format="json")
    assert early.status_code == 409 and early.json()["error"]["code"] == "ecf_not_accepted"
    settle()
    assert record_of(invoice["id"]).status == EcfStatus.ACCEPTED
    credit = api.post("/api/v1/credit-notes", {
        "invoice_id": invoice["id"], "document_subtype_id": ecf_series(workspace, "E34").pk,
        "items": [amount_line(workspace, "300.00")]}, format="json")
    debit = api.post("/api/v1/debit-notes", {
        "invoice_id": invoice["id"], "document_subtype_id": ecf_series(workspace, "E33").pk,
        "items": [amount_line(workspace, "45.00", "Intereses")]}, format="json")
    assert credit.status_code == debit.status_code == 201, (credit.content, debit.content)
    settle()
    for note, path in ((credit.json(), "credit-notes"), (debit.json(), "debit-notes")):
        record = _note_record(note)
        assert record.status == EcfStatus.ACCEPTED and record.track_id
        encf = note["document_number"]
        assert fake_dgii.counts.receptions[encf] == 1
        assert fake_dgii.receptions_of(encf)[0].xml == bytes(record.xml)
        ecf = api.get(f"/api/v1/{path}/{note['id']}").json()["ecf"]
        assert ecf["status"] == "accepted" and ecf["track_id"] == record.track_id
        assert ecf["sent_at"] and ecf["answered_at"]
        assert api.post(f"/api/v1/{path}/{note['id']}/ecf/retry").status_code == 409
    accepted = api.get("/api/v1/credit-notes", {"ecf_status": "accepted"}).json()["results"]
    assert [row["id"] for row in accepted] == [credit.json()["id"]]


@pytest.mark.parametrize("name", ["E34 code 3 over 30 days of a document outside the system",
                                  "E34 code 1 over 30 days of a B01"])
def test_an_e34_over_30_days_reaches_accepted(api, workspace, fake_dgii, name):
    _kind, note = issue_note(api, workspace, name)
    settle()
    assert _note_record(note).status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.receptions[note["document_number"]] == 1


def test_a_rejected_note_carries_dgii_messages(api, workspace, fake_dgii, logged_in_client):
    fake_dgii.set_scenario(Scenario.reject())
    _kind, note = issue_note(api, workspace, "E33 of a B01")
    settle()
    record = _note_record(note)
    assert record.status == EcfStatus.REJECTED and record.messages
    ecf = api.get(f"/api/v1/debit-notes/{note['id']}").json()["ecf"]
    assert ecf["status"] == "rejected" and ecf["messages"][0]["message"]
    page = logged_in_client.get(f"/notes/{note['id']}/").content.decode()
    assert 'data-testid="ecf-rejected"' in page
    assert fake_dgii.counts.receptions[note["document_number"]] == 1
