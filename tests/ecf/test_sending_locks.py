"""A waiting e-CF is never left with nothing scheduled to send it (issue 15, contingency), on
PostgreSQL with a second connection holding locks the way a concurrent worker does:

- a resume running while another job of the workspace (a poll of another document) holds
  its record's row still takes the waiting document: the sender locks only the record's
  row, never the workspace's row it joins (`SKIP LOCKED` on that join skipped every
  document of the workspace, and the resume ended with the document `signed` and nothing
  scheduled: the real-worker defect of tests/integration/test_ecf_worker.py);
- a resume that finds the oldest `signed` document held by another worker comes back
  later instead of skipping it (the holder may rely on this very resume), and sends it
  once the holder lets go, still before any newer one."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.ecf import sending
from invoicing.ecf.models import EcfStatus
from tests.fakes.dgii_scenarios import Scenario

from .issued import body, prepare_issuer
from .sending_helpers import record_of, settle

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("installed_certificate")]


@pytest.fixture(autouse=True)
def _fast(workspace, settings, fake_dgii):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between workers are tested on PostgreSQL")
    prepare_issuer(workspace)
    settings.ECF_BACKOFF_SECONDS = (0.05,)


def issue(api, workspace) -> dict:
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


class Holder:
    """Another worker: holds `sending._lock(record)` (as the poll, send and cancel do) in its
    own connection until released."""

    def __init__(self, record_id: int):
        self.record_id = record_id
        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.errors: list[BaseException] = []

    def _run(self) -> None:
        try:
            with transaction.atomic():
                sending._lock(self.record_id)
                self.held.set()
                self.release.wait(30)
        except BaseException as exc:  # reported to the test
            self.errors.append(exc)
            self.held.set()
        finally:
            connections.close_all()

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.held.wait(10)
        return self

    def __exit__(self, *exc_info) -> None:
        self.release.set()
        self.thread.join(10)
        assert not self.errors, self.errors


def run_due_resumes() -> None:
    OutboxMessage.objects.filter(topic=sending.RESUME, done_at__isnull=True).update(
        available_at=timezone.now())
    outbox.drain(topics={sending.RESUME})


def resume_pending() -> bool:
    return OutboxMessage.objects.filter(topic=sending.RESUME, done_at__isnull=True,
                                        failed_at__isnull=True).exists()


def test_a_resume_is_not_stopped_by_another_job_of_the_workspace(api, workspace, fake_dgii):
    fake_dgii.set_scenario(Scenario.in_process(50))
    polled = issue(api, workspace)
    outbox.drain(topics={sending.SEND})
    assert record_of(polled["id"]).status == EcfStatus.SENT
    fake_dgii.set_scenario(Scenario.accept())
    with fake_dgii.down():
        waiting = issue(api, workspace)
        outbox.drain(topics={sending.SEND})
    assert record_of(waiting["id"]).waiting_since is not None
    with Holder(record_of(polled["id"]).pk):  # a poll of the other document, mid-call
        run_due_resumes()
        record = record_of(waiting["id"])
        assert record.status != EcfStatus.SIGNED or resume_pending(), \
            "the waiting document is signed and nothing is scheduled to send it"
        assert record.status == EcfStatus.ACCEPTED  # the poll's lock is not the document's
    assert fake_dgii.counts.receptions[waiting["document_number"]] == 1


def test_a_resume_comes_back_for_the_oldest_document_another_worker_holds(
        api, workspace, fake_dgii):
    with fake_dgii.down():
        older, newer = issue(api, workspace), issue(api, workspace)
        outbox.drain(topics={sending.SEND})
    with Holder(record_of(older["id"]).pk):  # e.g. a retry of it, or its own send
        run_due_resumes()
        assert record_of(older["id"]).status == EcfStatus.SIGNED
        assert record_of(newer["id"]).status == EcfStatus.SIGNED  # never overtakes it
        assert resume_pending(), "the held document is left with nothing scheduled"
    settle()
    assert {record_of(i["id"]).status for i in (older, newer)} == {EcfStatus.ACCEPTED}
    received = [r.encf for r in fake_dgii.received if r.kind == "ecf"]
    assert received == [older["document_number"], newer["document_number"]]


# --- cancelling a `signed` document races the sender: one row lock decides ------------------

class Sender:
    """The `ecf.send` handler of another worker, in its own connection."""

    def __init__(self, record_id: int):
        self.record_id, self.result, self.errors = record_id, None, []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with transaction.atomic():
                self.result = sending.send(self.record_id)
        except BaseException as exc:  # reported to the test
            self.errors.append(exc)
        finally:
            connections.close_all()

    def start(self) -> Sender:
        self.thread.start()
        return self

    def join(self) -> str:
        self.thread.join(30)
        assert not self.thread.is_alive() and not self.errors, self.errors
        return self.result


def _signed_unsent(api, workspace, settings) -> tuple[dict, int]:
    settings.ECF_SEND_TO_DGII = False  # issued; the test's own sender sends it
    invoice = issue(api, workspace)
    settings.ECF_SEND_TO_DGII = True
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.SIGNED
    return invoice, record.pk


def _cancel(api, invoice):
    return api.post(f"/api/v1/invoices/{invoice['id']}/cancel",
                    {"reason_code": "04", "reason": "Error"}, format="json")


def test_a_cancel_while_the_sender_holds_the_document_waits_and_is_refused(
        api, workspace, fake_dgii, settings):
    invoice, record_id = _signed_unsent(api, workspace, settings)
    encf = invoice["document_number"]
    fake_dgii.delays = (0.8, 0.8)  # the sender is mid-call, holding the row, for seconds
    sender = Sender(record_id).start()
    deadline = time.monotonic() + 10
    while not fake_dgii.counts.track_id_queries[encf] and time.monotonic() < deadline:
        time.sleep(0.02)
    refused = _cancel(api, invoice)  # waits for the sender's commit, then sees DGII has it
    assert sender.join() == "sent"
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] in ("ecf_pending", "use_credit_note")
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["status"] != "cancelled"
    assert record_of(invoice["id"]).number_voided_at is None
    assert fake_dgii.counts.receptions[encf] == 1 and fake_dgii.counts.anecfs == 0


def test_a_sender_while_the_cancel_holds_the_document_waits_and_sends_nothing(
        api, workspace, owner, fake_dgii, settings):
    from invoicing.invoices.models import Invoice
    from invoicing.invoices.services import invoice_cancel

    invoice, record_id = _signed_unsent(api, workspace, settings)
    encf = invoice["document_number"]
    with transaction.atomic():
        invoice_cancel(invoice=Invoice.objects.get(pk=invoice["id"]), actor=owner,
                       reason_code="04", reason="Error")
        sender = Sender(record_id).start()
        sender.thread.join(1.5)
        assert sender.thread.is_alive(), "the sender did not wait for the cancel's lock"
    assert sender.join() == "nothing"  # it saw the cancel's `voided`, not `signed`
    settle()
    record = record_of(invoice["id"])
    assert record.status == EcfStatus.VOIDED and record.number_voided_at is not None
    assert fake_dgii.counts.receptions[encf] == 0 and fake_dgii.counts.track_id_queries[encf] == 0
    assert (workspace.rnc, encf) in fake_dgii.voided and fake_dgii.counts.anecfs_valid == 1
