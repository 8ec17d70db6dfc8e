"""Sending issued e-CF to the fake DGII and following its answer (issue 15), in-process: the
outbox drained by hand (tests/integration/test_ecf_worker.py runs the same on a real Celery
worker). Each scenario ends in the right status with DGII's messages; nothing is received
twice; DGII down then up sends every waiting document once, oldest first; a rejection that
leaves the number unused voids it with an ANECF the fake validates."""

from __future__ import annotations

import pytest

from invoicing.core import outbox
from invoicing.ecf.models import EcfStatus
from tests.fakes.dgii_scenarios import Scenario

from .issued import issue, prepare_issuer
from .sending_helpers import TOPICS, record_of, settle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]
RNC = "131246796"


@pytest.fixture(autouse=True)
def _fast(workspace, settings, fake_dgii):
    prepare_issuer(workspace)
    settings.ECF_BACKOFF_SECONDS = (0.05,)


def test_an_e31_is_received_once_and_accepted(api, workspace, fake_dgii):
    invoice = issue(api, workspace)
    settle()
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.ACCEPTED and record.track_id and record.answered_at
    encf = invoice["document_number"]
    assert fake_dgii.counts.receptions[encf] == 1
    assert fake_dgii.receptions_of(encf)[0].xml == bytes(record.xml)
    ecf = api.get(f"/api/v1/invoices/{invoice['id']}").json()["ecf"]
    assert ecf["status"] == "accepted" and ecf["track_id"] == record.track_id
    assert ecf["sent_at"] and ecf["answered_at"]


@pytest.mark.parametrize("name", ["E32 over RD$250,000", "E44", "E45", "E46", "E31 in USD"])
def test_every_e_type_reaches_accepted(api, workspace, fake_dgii, name):
    invoice = issue(api, workspace, name)
    settle()
    assert record_of(invoice["id"]).status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.receptions[invoice["document_number"]] == 1


def test_an_e32_under_250k_goes_as_its_rfce_and_only_as_its_rfce(api, workspace, fake_dgii):
    invoice = issue(api, workspace, "E32 under RD$250,000")
    settle()
    encf = invoice["document_number"]
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.rfces[encf] == 1 and fake_dgii.counts.receptions[encf] == 0
    assert fake_dgii.receptions_of(encf, kind="rfce")[0].xml == bytes(record.summary_xml)


@pytest.mark.parametrize("scenario, status, code", [
    (Scenario.accept_conditional(), EcfStatus.ACCEPTED_CONDITIONAL, "1385"),
    (Scenario.reject(), EcfStatus.REJECTED, "64"),
    (Scenario.in_process(3), EcfStatus.ACCEPTED, None),
    (Scenario.server_error(2), EcfStatus.ACCEPTED, None),
])
def test_each_scenario_ends_in_its_status_with_dgii_messages(api, workspace, fake_dgii,
                                                             logged_in_client, scenario,
                                                             status, code):
    fake_dgii.set_scenario(scenario)
    invoice = issue(api, workspace)
    settle()
    record = record_of(invoice["id"])
    assert record.status == status
    assert fake_dgii.counts.receptions[invoice["document_number"]] == 1
    ecf = api.get(f"/api/v1/invoices/{invoice['id']}").json()["ecf"]
    page = logged_in_client.get(f"/invoices/{invoice['id']}/").content.decode()
    assert f'data-testid="ecf-status">{record.get_status_display()}' in page
    if code:
        message = ecf["messages"][0]
        assert message["code"] == code and message["message"]
        assert message["message"] in page
    if status == EcfStatus.REJECTED:
        assert 'data-testid="ecf-rejected"' in page


def test_an_rfce_rejected_carries_its_messages(api, workspace, fake_dgii):
    fake_dgii.set_scenario(Scenario.reject())
    invoice = issue(api, workspace, "E32 under RD$250,000")
    settle()
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.REJECTED and record.messages[0]["code"] == "64"


def test_a_time_out_after_dgii_received_it_never_sends_it_twice(api, workspace, fake_dgii,
                                                                settings):
    settings.DGII_TIMEOUT = (2.0, 0.5)
    fake_dgii.hang_seconds = 1.5
    fake_dgii.set_scenario(Scenario.timeout_after_receipt())
    invoice = issue(api, workspace)
    settle()
    encf = invoice["document_number"]
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.ACCEPTED
    assert fake_dgii.counts.receptions[encf] == 1
    assert fake_dgii.counts.track_id_queries[encf] >= 2  # asked before sending, and after
    assert record.track_id == fake_dgii.receptions_of(encf)[0].track_id


def test_dgii_down_then_up_sends_every_waiting_document_once_oldest_first(
        api, workspace, fake_dgii, logged_in_client):
    with fake_dgii.down():
        invoices = [issue(api, workspace) for _ in range(4)]
        outbox.drain(topics=TOPICS)  # each finds DGII unreachable: they wait
        records = [record_of(i["id"]) for i in invoices]
        assert {r.status for r in records} == {EcfStatus.SIGNED}
        assert all(r.waiting_since for r in records)
        page = logged_in_client.get(f"/invoices/{invoices[0]['id']}/").content.decode()
        assert 'data-testid="ecf-waiting"' in page
        dashboard = logged_in_client.get("/").content.decode()
        assert 'data-testid="ecf-waiting-count">4<' in dashboard
    settle()
    numbers = [i["document_number"] for i in invoices]
    received = [r.encf for r in fake_dgii.received if r.kind == "ecf"]
    assert received == numbers  # each once, oldest first
    assert {record_of(i["id"]).status for i in invoices} == {EcfStatus.ACCEPTED}


def test_a_rejection_that_leaves_the_number_unused_voids_it_with_an_anecf(api, workspace,
                                                                          fake_dgii):
    fake_dgii.set_scenario(Scenario.reject(sequence_used=False))
    invoice = issue(api, workspace)
    settle()
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.REJECTED and record.sequence_used is False
    assert record.number_voided_at is not None
    assert fake_dgii.counts.anecfs == fake_dgii.counts.anecfs_valid == 1
    assert (RNC, invoice["document_number"]) in fake_dgii.voided


def test_the_token_is_requested_once_for_many_documents(api, workspace, fake_dgii):
    for _ in range(5):
        issue(api, workspace)
    settle()
    assert fake_dgii.counts.tokens[RNC] == 1
    assert sum(fake_dgii.counts.receptions.values()) == 5


def test_retry_asks_again_and_is_409_once_decided(api, workspace, fake_dgii):
    fake_dgii.set_scenario(Scenario.in_process(50))
    invoice = issue(api, workspace)
    outbox.drain(topics={"ecf.send"})
    assert record_of(invoice["id"]).status == EcfStatus.SENT
    retried = api.post(f"/api/v1/invoices/{invoice['id']}/ecf/retry")
    assert retried.status_code == 202 and retried.json()["status"] == "sent"
    fake_dgii.set_scenario(Scenario.accept())
    received = fake_dgii.receptions_of(invoice["document_number"])[0]
    received.polls_left = 0
    settle()
    assert record_of(invoice["id"]).status == EcfStatus.ACCEPTED
    again = api.post(f"/api/v1/invoices/{invoice['id']}/ecf/retry")
    assert again.status_code == 409
    assert fake_dgii.counts.receptions[invoice["document_number"]] == 1


def _cancel(api, invoice):
    return api.post(f"/api/v1/invoices/{invoice['id']}/cancel",
                    {"reason_code": "04", "reason": "Error"}, format="json")


def test_a_signed_ecf_cancelled_is_never_sent_and_its_number_is_voided(api, workspace,
                                                                       fake_dgii):
    with fake_dgii.down():
        invoice = issue(api, workspace)
        outbox.drain(topics=TOPICS)
        assert record_of(invoice["id"]).status == EcfStatus.SIGNED
        assert _cancel(api, invoice).status_code == 200
    settle()
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.VOIDED and record.number_voided_at is not None
    assert fake_dgii.counts.receptions[invoice["document_number"]] == 0
    assert (RNC, invoice["document_number"]) in fake_dgii.voided


def test_a_sent_ecf_cannot_be_cancelled_until_dgii_decides_and_an_accepted_one_never(
        api, workspace, fake_dgii):
    fake_dgii.set_scenario(Scenario.in_process(50))
    invoice = issue(api, workspace)
    outbox.drain(topics={"ecf.send"})
    refused = _cancel(api, invoice)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "ecf_pending"
    fake_dgii.receptions_of(invoice["document_number"])[0].polls_left = 0
    settle()
    refused = _cancel(api, invoice)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "use_credit_note"


def test_a_rejected_ecf_may_be_cancelled(api, workspace, fake_dgii):
    fake_dgii.set_scenario(Scenario.reject())
    invoice = issue(api, workspace)
    settle()
    assert _cancel(api, invoice).status_code == 200


def test_a_rejected_ecf_is_issued_again_with_a_new_number_and_its_payments(
        api, workspace, fake_dgii, logged_in_client):
    fake_dgii.set_scenario(Scenario.reject(), encf="E310000000001")
    invoice = issue(api, workspace)
    paid = api.post("/api/v1/payments", {"invoice_id": invoice["id"], "amount": "100.00"},
                    format="json")
    assert paid.status_code == 201, paid.content
    settle()
    page = logged_in_client.get(f"/invoices/{invoice['id']}/").content.decode()
    assert 'data-testid="ecf-reissue"' in page
    again = api.post(f"/api/v1/invoices/{invoice['id']}/reissue")
    assert again.status_code == 201, again.content
    new = again.json()
    assert new["document_number"] == "E310000000002" and new["amount_paid"] == "100.00"
    assert [i["description"] for i in new["items"]] == [i["description"]
                                                        for i in invoice["items"]]
    old = api.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert old["status"] == "cancelled" and old["amount_paid"] == "0.00"
    assert record_of(invoice["id"]).replaced_by_document_id == new["id"]
    assert record_of(new["id"]).replaces_document_id == invoice["id"]
    settle()
    assert record_of(new["id"]).status == EcfStatus.ACCEPTED
    assert api.post(f"/api/v1/invoices/{invoice['id']}/reissue").status_code == 409
    assert api.post(f"/api/v1/invoices/{new['id']}/reissue").status_code == 409


def test_an_operator_voids_an_unused_range_with_an_anecf(api, workspace, fake_dgii,
                                                         logged_in_client):
    from django.core.management import call_command

    from tests.ecf.issued import ecf_series

    series = ecf_series(workspace, "E31")
    call_command("ecf_void_range", workspace.slug, "--series", "E31", "--to", "3")
    settle()
    assert {(RNC, f"E31000000000{n}") for n in (1, 2, 3)} <= fake_dgii.voided
    assert fake_dgii.counts.anecfs_valid == 1
    series.refresh_from_db()
    assert series.next_number == 4
    assert issue(api, workspace)["document_number"] == "E310000000004"
    response = logged_in_client.post("/settings/ecf/numbers/void/",
                                     {"ncf_type": "E31", "last": "6"})
    assert response.status_code == 302
    settle()
    assert (RNC, "E310000000006") in fake_dgii.voided and fake_dgii.counts.anecfs_valid == 2
    assert (RNC, "E310000000004") not in fake_dgii.voided
