"""Faults on the real services (issue 13): nothing lost, nothing doubled.

- the broker unreachable: a create still answers 201, and its side effects happen once the
  broker is back (the outbox sweep);
- the database connection killed right after the commit: a retry with the same
  Idempotency-Key replays the first answer;
- 50 concurrent identical requests with one key make one invoice;
- a worker killed with SIGKILL mid-batch: every effect happens, none twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.test import override_settings
from rest_framework.test import APIClient

from invoicing.celery import app as celery_app
from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.invoices.models import Invoice
from invoicing.products.models import Product, StockMovement
from tests.conftest import api_client_for
from tests.invoices.helpers import customer, plain_subtype, product

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _needs_real_services():
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail("the fault tests need REDIS_URL and PostgreSQL (make test sets both)")


def _body(workspace, goods, quantity="2"):
    return {"contact_id": customer(workspace).pk,
            "document_subtype_id": plain_subtype(workspace).pk,
            "items": [{"product_id": goods.pk, "quantity": quantity}]}


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _reset_broker(url: str) -> None:
    """Point the Celery app at `url`, dropping its pooled connections (the app's and kombu's
    process-wide producer pools, which an earlier in-process worker may have filled)."""
    from kombu import pools

    celery_app.conf.broker_url = url
    celery_app.pool.force_close_all()
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="threads", concurrency=2,
                          perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def test_a_create_answers_201_with_the_broker_down_and_its_effects_follow(workspace, owner):
    rice = product(workspace, tracks_inventory=True)
    api = api_client_for(workspace, owner)
    real = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    _reset_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        response = api.post("/api/v1/invoices", _body(workspace, rice), format="json",
                            HTTP_IDEMPOTENCY_KEY="broker-down-1")
        assert response.status_code == 201, response.content
        invoice_id = response.json()["id"]
        pending = OutboxMessage.objects.filter(done_at__isnull=True)
        assert pending.filter(topic="invoices.stock_sync").count() == 1
        assert pending.filter(published_at__isnull=True).count() == pending.count() >= 1
        # A retry of the same request does not make a second invoice.
        again = api.post("/api/v1/invoices", _body(workspace, rice), format="json",
                         HTTP_IDEMPOTENCY_KEY="broker-down-1")
        assert again.status_code in (201, 422)
        assert Invoice.objects.count() == 1
    finally:
        _reset_broker(real)
        celery_app.conf.task_always_eager = True
    assert StockMovement.objects.count() == 0  # nothing happened while the broker was away

    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="threads", concurrency=2,
                          perform_ping_check=False, shutdown_timeout=20), \
                override_settings(OUTBOX_REPUBLISH_AFTER_SECONDS=0):
            # The sweep (beat, every 30 s in production) republishes what is still pending.
            assert wait_for(lambda: outbox.sweep() >= 0 and not OutboxMessage.objects.filter(
                done_at__isnull=True).exists(), timeout=90)
    finally:
        celery_app.conf.task_always_eager = True
    assert StockMovement.objects.filter(invoice_id=invoice_id).count() == 1
    assert Product.objects.get(pk=rice.pk).stock_quantity == Decimal("-2")


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(host=params.get("host"), port=params.get("port"),
                         user=params.get("user"), dbname=params["dbname"],
                         autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_lost_after_the_commit_keeps_the_answer_for_the_retry(workspace, owner):
    rice = product(workspace, tracks_inventory=True)
    api = api_client_for(workspace, owner)
    body = _body(workspace, rice)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    real_commit = connection._commit
    commits, killed = [], []

    def commit_then_lose_the_connection():
        real_commit()
        commits.append(True)
        # The first commit is the key's claim; the second is the invoice with its answer.
        if len(commits) == 2 and not killed:
            killed.append(True)
            _terminate(pid)

    connection._commit = commit_then_lose_the_connection
    api.raise_request_exception = False  # the client sees what a server would answer
    try:
        first = api.post("/api/v1/invoices", body, format="json",
                         HTTP_IDEMPOTENCY_KEY="lost-after-commit")
    finally:
        del connection._commit
    assert killed
    connection.close()  # what the next request of a real server does: a new connection
    retry = api.post("/api/v1/invoices", body, format="json",
                     HTTP_IDEMPOTENCY_KEY="lost-after-commit")
    assert retry.status_code == 201, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1
    assert retry.json()["id"] == Invoice.objects.get().pk
    if first.status_code == 201:
        assert first.json() == retry.json()


def test_fifty_concurrent_requests_with_one_key_make_one_invoice(workspace, owner):
    rice = product(workspace)
    body = _body(workspace, rice)
    key = api_client_for(workspace, owner).api_key
    statuses: list[int] = []
    barrier = threading.Barrier(50)

    def call():
        from django.db import connections

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        try:
            barrier.wait()
            statuses.append(client.post("/api/v1/invoices", body, format="json",
                                        HTTP_IDEMPOTENCY_KEY="fifty").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(statuses) == 50
    assert Invoice.objects.count() == 1
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL,
           "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_SETTINGS_MODULE": "invoicing.settings"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "invoicing", "worker", "-P", "prefork",
         "-c", "2", "-Q", queue, "--without-heartbeat", "--without-mingle",
         "--without-gossip", "-l", "warning"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(workspace, owner,
                                                                      tmp_path):
    goods = [product(workspace, tracks_inventory=True) for _ in range(3)]
    api = api_client_for(workspace, owner)
    queue = celery_app.conf.task_default_queue
    log = tmp_path / "worker.log"
    celery_app.conf.task_always_eager = False
    try:
        for index in range(30):  # published to the broker; no worker yet
            response = api.post("/api/v1/invoices", _body(workspace, goods[index % 3]),
                                format="json")
            assert response.status_code == 201
        first = _start_worker(queue, log)
        try:
            assert wait_for(lambda: OutboxMessage.objects.filter(
                done_at__isnull=False).count() >= 5, timeout=180), log.read_text()[-3000:]
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # mid-batch, without a chance to ack
            first.wait(10)
        assert OutboxMessage.objects.filter(done_at__isnull=True).exists(), \
            "the worker finished before it was killed; the test proves nothing"
        second = _start_worker(queue, log)
        try:
            with override_settings(OUTBOX_REPUBLISH_AFTER_SECONDS=0):
                assert wait_for(lambda: outbox.sweep() >= 0 and not OutboxMessage.objects.filter(
                    done_at__isnull=True).exists(), timeout=180), log.read_text()[-3000:]
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(20)
    finally:
        celery_app.conf.task_always_eager = True
    per_invoice = StockMovement.objects.values("invoice_id").annotate(n=Count("id"))
    assert len(per_invoice) == 30 and {row["n"] for row in per_invoice} == {1}
    for item in goods:
        booked = StockMovement.objects.filter(product=item).aggregate(s=Sum("quantity"))["s"]
        assert Product.objects.get(pk=item.pk).stock_quantity == booked == Decimal("-20")
