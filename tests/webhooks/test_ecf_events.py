"""`ecf.accepted` (with or without conditions) and `ecf.rejected` (API.md "Webhooks"): DGII's
verdict, reached against the fake DGII, reaches a receiver on loopback signed, carrying the
document as the API returns it with its `ecf` block; the event is recorded in the
transaction that moves the record (a rolled-back verdict has none), and only when an
endpoint wants it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from invoicing.core.models import OutboxMessage
from invoicing.ecf import sending
from invoicing.ecf.dgii_answers import Code, Message, Verdict
from invoicing.ecf.models import EcfRecord, EcfStatus
from invoicing.ecf.services import ecf_certificate_install
from invoicing.webhooks.models import WebhookDelivery
from tests.ecf.certs import PASSWORD, p12_for
from tests.ecf.issued import body, prepare_issuer
from tests.fakes.dgii_scenarios import Scenario

from .test_delivery import settle, subscribe, verified

pytestmark = pytest.mark.django_db(transaction=True)
ECF_EVENTS = ("ecf.accepted", "ecf.rejected")


@pytest.fixture(autouse=True)
def _issuer(workspace, owner, settings):
    prepare_issuer(workspace)
    ecf_certificate_install(workspace=workspace, actor=owner,
                            p12_bytes=p12_for(workspace.rnc, workspace.name), password=PASSWORD)
    settings.ECF_BACKOFF_SECONDS = (0.05,)


def issue(api, workspace) -> dict:
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def fan_outs(event_type: str) -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.filter(topic="webhooks.fan_out")
            if m.payload["type"] == event_type]


def test_each_verdict_arrives_signed_with_the_document_and_its_ecf_block(
        api, workspace, fake_dgii, receiver):
    endpoint = subscribe(workspace, receiver.url, events=ECF_EVENTS)
    plan = {"E310000000001": (Scenario.accept(), "ecf.accepted", EcfStatus.ACCEPTED),
            "E310000000002": (Scenario.accept_conditional(), "ecf.accepted",
                              EcfStatus.ACCEPTED_CONDITIONAL),
            "E310000000003": (Scenario.reject(), "ecf.rejected", EcfStatus.REJECTED)}
    for encf, (scenario, _type, _status) in plan.items():
        fake_dgii.set_scenario(scenario, encf=encf)
    invoices = {i["document_number"]: i for i in (issue(api, workspace) for _ in plan)}
    assert set(invoices) == set(plan)

    def done() -> bool:
        final = EcfRecord.objects.filter(status__in=[s for *_, s in plan.values()]).count()
        return final == len(plan) and WebhookDelivery.objects.count() == len(plan) and \
            not WebhookDelivery.objects.filter(status="pending").exists()

    settle(done)
    bodies = [verified(endpoint, item) for item in receiver.unique().values()]
    by_number = {b["data"]["document_number"]: b for b in bodies}
    assert set(by_number) == set(plan)  # one event per verdict, none for anything else
    for encf, (_scenario, event_type, status) in plan.items():
        event = by_number[encf]
        assert event["type"] == event_type, encf
        data = event["data"]
        assert data["object"] == "invoice" and data["id"] == invoices[encf]["id"]
        assert data["ecf"]["status"] == status
        assert data["ecf"]["track_id"] == EcfRecord.objects.get(encf=encf).track_id
    rejected = by_number["E310000000003"]["data"]["ecf"]
    assert rejected["messages"][0]["code"] == "64" and rejected["messages"][0]["message"]
    conditional = by_number["E310000000002"]["data"]["ecf"]
    assert conditional["messages"][0]["code"] == "1385"


@override_settings(ECF_SEND_TO_DGII=False)  # the record stays `signed`; the test decides
def test_the_event_is_recorded_in_the_transaction_of_the_verdict(api, workspace, receiver):
    subscribe(workspace, receiver.url, events=ECF_EVENTS)
    invoice = issue(api, workspace)
    record_id = EcfRecord.objects.get(document_id=invoice["id"]).pk
    rejected = Verdict(code=Code.REJECTED, state="Rechazado", sequence_used=True,
                       messages=(Message(code="64", text="MontoTotal no corresponde"),))

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        sending.apply_verdict(sending._lock(record_id), rejected)
        assert len(fan_outs("ecf.rejected")) == 1  # written with the record, not after
        raise Crash
    assert EcfRecord.objects.get(pk=record_id).status == EcfStatus.SIGNED
    assert fan_outs("ecf.rejected") == []  # rolled back with it

    with transaction.atomic():
        sending.apply_verdict(sending._lock(record_id), rejected)
    [event] = fan_outs("ecf.rejected")
    assert event["data"]["ecf"]["status"] == "rejected"
    assert event["data"]["ecf"]["messages"] == [{"code": "64",
                                                "message": "MontoTotal no corresponde"}]


def test_no_event_when_no_endpoint_wants_it(api, workspace, fake_dgii, receiver):
    subscribe(workspace, receiver.url, events=["invoice.paid"])
    invoice = issue(api, workspace)
    settle(lambda: EcfRecord.objects.filter(document_id=invoice["id"],
                                            status=EcfStatus.ACCEPTED).exists())
    assert fan_outs("ecf.accepted") == []


def test_a_note_event_carries_the_note_as_the_api_returns_it(api, workspace):
    """Credit and debit notes (E34/E33) carry `object: credit_note | debit_note`; the record
    here stands for the note's e-CF (what the sender holds when DGII answers)."""
    from django.utils import timezone

    from invoicing.ecf.events import document_object
    from tests.invoices.helpers import fiscal_subtype
    from tests.notes.helpers import amount_line, b01_invoice, credit, debit

    invoice = b01_invoice(workspace)
    # B-series notes of a B01 (the workspace is an electronic issuer, whose default note
    # series would be E34/E33): the record below stands in for an e-CF.
    b04, b03 = fiscal_subtype(workspace, "B04"), fiscal_subtype(workspace, "B03")
    for note, path in ((credit(workspace, invoice, items=[amount_line("10.00", workspace)],
                               document_subtype_id=b04.pk), "credit-notes"),
                       (debit(workspace, invoice, items=[amount_line("5.00", workspace)],
                              document_subtype_id=b03.pk), "debit-notes")):
        record = EcfRecord(workspace=workspace, document_kind=note.document_type,
                           document_id=note.pk, document_label="notes.note", ecf_type="E34",
                           encf=f"E34{note.pk:010d}", rnc=workspace.rnc,
                           environment="testecf", file_name="x.xml", xml=b"<ECF/>",
                           security_code="ABC123", signed_at=timezone.now(), qr_url="")
        expected = api.get(f"/api/v1/{path}/{note.pk}").json()
        assert document_object(record) == {"object": note.document_type, **expected}
