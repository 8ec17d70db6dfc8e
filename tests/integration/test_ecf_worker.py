"""e-CF sent to DGII by a real Celery worker (a subprocess, prefork, on Redis and PostgreSQL)
against the fake DGII on loopback (issue 15): every type accepted, an E32 under RD$250,000
only as its RFCE, each scenario in its status with DGII's messages, a time-out after
reception never received twice, DGII down then up sending each waiting document once,
oldest first, an ANECF for a rejection that left its number unused, one token for all; and
the soak: N E31 issued at concurrency 8 while DGII answers at random delays, the worker
killed once mid-way, all accepted, each received once (`make test`: 50; `make bench`: 500,
with ECF_SOAK_DOCUMENTS)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from invoicing.celery import app as celery_app
from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.ecf.models import FINAL_STATUSES, EcfRecord, EcfStatus
from invoicing.ecf.services import ecf_certificate_install
from tests.conftest import api_client_for
from tests.ecf.certs import PASSWORD, p12_for
from tests.ecf.issued import CASES, body, prepare_issuer
from tests.fakes.dgii_scenarios import Scenario

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
RNC = "131246796"
SOAK_DOCUMENTS = int(os.environ.get("ECF_SOAK_DOCUMENTS", "50"))


@pytest.fixture(autouse=True)
def _real_services(workspace, owner, fake_dgii):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("the e-CF worker tests need REDIS_URL and PostgreSQL (make test sets both)")
    prepare_issuer(workspace)
    ecf_certificate_install(workspace=workspace, actor=owner,
                            p12_bytes=p12_for(workspace.rnc, workspace.name), password=PASSWORD)
    celery_app.conf.task_always_eager = False  # issues publish to the broker
    yield
    celery_app.conf.task_always_eager = True


class Worker:
    """`celery worker` in its own process group, pointed at the fake DGII."""

    def __init__(self, fake, log: Path, *, concurrency: int = 2):
        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        self.env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL,
                    "CELERY_TASK_ALWAYS_EAGER": "false",
                    "DJANGO_SETTINGS_MODULE": "invoicing.settings",
                    "DGII_ECF_URL": fake.ecf_url, "DGII_FC_URL": fake.fc_url,
                    "DGII_TIMEOUT": "2,1.5", "ECF_BACKOFF_SECONDS": "0.2,0.5,1",
                    "OUTBOX_RETRY_BASE_SECONDS": "1", "ECF_SEND_TO_DGII": "true"}
        self.log, self.concurrency = log, concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "invoicing", "worker", "-P", "prefork",
             "-c", str(self.concurrency), "-Q", celery_app.conf.task_default_queue,
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # mid-batch, no chance to ack
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def worker(fake_dgii, tmp_path):
    started: list[Worker] = []

    def start(concurrency: int = 2) -> Worker:
        started.append(Worker(fake_dgii, tmp_path / "worker.log",
                              concurrency=concurrency).start())
        return started[-1]

    yield start
    for each in started:
        each.stop()


def wait_until(condition, worker: Worker, timeout: float = 240.0) -> None:
    """Poll `condition`, sweeping the outbox now and then as beat would (what a killed
    worker held is republished)."""
    deadline = time.monotonic() + timeout
    swept = 0.0
    with override_settings(OUTBOX_REPUBLISH_AFTER_SECONDS=3):
        while time.monotonic() < deadline:
            if condition():
                return
            if time.monotonic() - swept > 2:
                outbox.sweep()
                swept = time.monotonic()
            time.sleep(0.2)
    states = list(EcfRecord.objects.order_by("encf").values_list("encf", "status",
                                                                  "number_voided_at"))
    pending = list(OutboxMessage.objects.filter(done_at__isnull=True)
                   .values_list("topic", "attempts", "last_error"))
    raise AssertionError(f"timed out; e-CF {states}; outbox pending {pending}; "
                         f"worker log:\n{worker.tail()}")


def statuses(ids) -> dict[int, str]:
    return dict(EcfRecord.objects.filter(document_id__in=ids).values_list("document_id",
                                                                          "status"))


def all_final(ids) -> bool:
    found = statuses(ids)
    return len(found) == len(ids) and all(s in FINAL_STATUSES for s in found.values())


def issue(api, workspace, name="E31") -> dict:
    _kind, data = body(workspace, name)
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_every_type_is_accepted_and_a_small_consumer_invoice_goes_only_as_rfce(
        workspace, owner, fake_dgii, worker):
    api = api_client_for(workspace, owner)
    invoices = {name: issue(api, workspace, name) for name in CASES}
    running = worker()
    ids = [i["id"] for i in invoices.values()]
    wait_until(lambda: all_final(ids), running)
    assert set(statuses(ids).values()) == {EcfStatus.ACCEPTED}
    for name, invoice in invoices.items():
        encf = invoice["document_number"]
        if name == "E32 under RD$250,000":
            assert fake_dgii.counts.rfces[encf] == 1 and fake_dgii.counts.receptions[encf] == 0
        else:
            assert fake_dgii.counts.receptions[encf] == 1 and fake_dgii.counts.rfces[encf] == 0
    assert fake_dgii.counts.tokens[RNC] == 1


def test_each_scenario_ends_in_its_status_and_nothing_is_received_twice(
        workspace, owner, fake_dgii, worker, client):
    fake_dgii.hang_seconds = 2.5  # longer than the worker's read time-out (1.5 s)
    plan = {
        "E310000000001": (Scenario.accept_conditional(), EcfStatus.ACCEPTED_CONDITIONAL),
        "E310000000002": (Scenario.reject(), EcfStatus.REJECTED),
        "E310000000003": (Scenario.reject(sequence_used=False), EcfStatus.REJECTED),
        "E310000000004": (Scenario.timeout_after_receipt(), EcfStatus.ACCEPTED),
        "E310000000005": (Scenario.in_process(3), EcfStatus.ACCEPTED),
        "E310000000006": (Scenario.server_error(2), EcfStatus.ACCEPTED),
    }
    for encf, (scenario, _status) in plan.items():
        fake_dgii.set_scenario(scenario, encf=encf)
    api = api_client_for(workspace, owner)
    invoices = [issue(api, workspace) for _ in plan]
    assert [i["document_number"] for i in invoices] == list(plan)
    running = worker()
    ids = [i["id"] for i in invoices]
    voided = EcfRecord.objects.filter(encf="E310000000003", number_voided_at__isnull=False)
    wait_until(lambda: all_final(ids) and voided.exists(), running)
    client.force_login(owner)
    for invoice, (encf, (_scenario, status)) in zip(invoices, plan.items(), strict=True):
        record = EcfRecord.objects.get(document_id=invoice["id"])
        assert record.status == status, encf
        assert fake_dgii.counts.receptions[encf] == 1, encf
        ecf = api.get(f"/api/v1/invoices/{invoice['id']}").json()["ecf"]
        if status in (EcfStatus.REJECTED, EcfStatus.ACCEPTED_CONDITIONAL):
            assert ecf["messages"] and ecf["messages"][0]["message"]
            page = client.get(f"/invoices/{invoice['id']}/").content.decode()
            assert ecf["messages"][0]["message"] in page
    assert fake_dgii.counts.anecfs_valid == 1 and (RNC, "E310000000003") in fake_dgii.voided
    assert fake_dgii.counts.tokens[RNC] == 1


def test_dgii_down_then_up_each_waiting_document_goes_once_oldest_first(
        workspace, owner, fake_dgii, worker):
    api = api_client_for(workspace, owner)
    with fake_dgii.down():
        invoices = [issue(api, workspace) for _ in range(5)]
        ids = [i["id"] for i in invoices]
        running = worker(concurrency=1)
        waiting = EcfRecord.objects.filter(document_id__in=ids, status=EcfStatus.SIGNED,
                                           waiting_since__isnull=False)
        wait_until(lambda: waiting.count() == 5, running)
    wait_until(lambda: all_final(ids), running)
    assert set(statuses(ids).values()) == {EcfStatus.ACCEPTED}
    received = [r.encf for r in fake_dgii.received if r.kind == "ecf"]
    assert received == [i["document_number"] for i in invoices]


def test_soak_all_accepted_each_received_once_with_the_worker_killed_midway(
        workspace, owner, fake_dgii, worker):
    fake_dgii.delays = (0.005, 0.15)
    key = api_client_for(workspace, owner).api_key
    _kind, data = body(workspace, "E31")
    running = worker(concurrency=4)
    created: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def issue_some(count: int) -> None:
        from django.db import connections

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        try:
            for _ in range(count):
                response = client.post("/api/v1/invoices", data, format="json")
                with lock:
                    if response.status_code == 201:
                        created.append(response.json()["id"])
                    else:
                        errors.append(response.content.decode()[:300])
        finally:
            connections.close_all()

    share, rest = divmod(SOAK_DOCUMENTS, 8)
    threads = [threading.Thread(target=issue_some, args=(share + (1 if n < rest else 0),))
               for n in range(8)]
    for thread in threads:
        thread.start()
    accepted = EcfRecord.objects.filter(status=EcfStatus.ACCEPTED)
    wait_until(lambda: accepted.count() >= max(3, SOAK_DOCUMENTS // 4), running,
               timeout=60 + SOAK_DOCUMENTS)
    running.kill()
    assert accepted.count() < SOAK_DOCUMENTS or not all(t.is_alive() for t in threads), \
        "everything was done before the kill; the test proves nothing"
    for thread in threads:
        thread.join(300)
    assert not errors and len(created) == SOAK_DOCUMENTS, errors[:3]
    second = worker(concurrency=4)
    wait_until(lambda: all_final(created), second, timeout=120 + 2 * SOAK_DOCUMENTS)
    assert set(statuses(created).values()) == {EcfStatus.ACCEPTED}
    numbers = set(EcfRecord.objects.filter(document_id__in=created)
                  .values_list("encf", flat=True))
    assert len(numbers) == SOAK_DOCUMENTS
    assert {encf: n for encf, n in fake_dgii.counts.receptions.items() if n != 1} == {}
    assert set(fake_dgii.counts.receptions) == numbers
    assert fake_dgii.counts.tokens[RNC] == 1
