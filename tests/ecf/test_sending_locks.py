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
