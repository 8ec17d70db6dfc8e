"""The transactional outbox: effects follow commits, exactly once, and survive failures."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from workspaces.models import Activity

pytestmark = pytest.mark.django_db(transaction=True)

ran: list[int] = []


@outbox.handler("tests.record")
def _record(message):
    """A real effect in the database: one activity row per message."""
    ran.append(message.pk)
    Activity.objects.create(workspace_id=message.payload["workspace_id"], verb="effect",
                            target_type="outbox", target_id=message.pk)


@outbox.handler("tests.flaky", max_attempts=3,
                on_give_up=lambda m: Activity.objects.create(
                    workspace_id=m.payload["workspace_id"], verb="gave_up",
                    target_type="outbox", target_id=m.pk))
def _flaky(message):
    Activity.objects.create(workspace_id=message.payload["workspace_id"], verb="half",
                            target_type="outbox", target_id=message.pk)
    raise OSError("receiver down")


@outbox.handler("tests.later")
def _later(message):
    raise outbox.RetryLater(120, "DGII says: in process")


@pytest.fixture(autouse=True)
def _reset():
    ran.clear()
    yield


def effects(verb="effect"):
    return Activity.objects.filter(verb=verb, target_type="outbox").count()


def test_enqueue_refuses_to_run_outside_a_transaction(workspace):
    with pytest.raises(RuntimeError):
        outbox.enqueue("tests.record", {"workspace_id": workspace.pk})


def test_a_committed_change_gets_its_effect_once(workspace):
    with transaction.atomic():
        message = outbox.enqueue("tests.record", {"workspace_id": workspace.pk},
                                 workspace_id=workspace.pk)
        assert ran == []  # nothing before commit
    assert ran == [message.pk]
    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 1
    # Delivered again (a redelivered broker message, the sweep): nothing more happens.
    assert outbox.process(message.pk) is False
    assert effects() == 1


def test_a_rolled_back_change_never_gets_its_effect(workspace):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.enqueue("tests.record", {"workspace_id": workspace.pk})
        1 / 0  # noqa: B018
    assert OutboxMessage.objects.count() == 0
    assert ran == []


def test_a_failing_effect_is_retried_with_growing_delays_then_given_up(workspace):
    with transaction.atomic():
        message = outbox.enqueue("tests.flaky", {"workspace_id": workspace.pk})
    message.refresh_from_db()
    assert message.attempts == 1 and message.is_pending
    assert "receiver down" in message.last_error
    first_delay = message.available_at - timezone.now()
    assert datetime.timedelta(seconds=5) < first_delay <= datetime.timedelta(seconds=10)
    assert effects("half") == 0  # the handler's own writes rolled back with its failure

    # Not due yet: a delivery now does nothing.
    assert outbox.process(message.pk) is False
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    outbox.process(message.pk)
    message.refresh_from_db()
    second_delay = message.available_at - timezone.now()
    assert second_delay > first_delay
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    outbox.process(message.pk)
    message.refresh_from_db()
    assert message.failed_at is not None and message.attempts == 3
    assert effects("gave_up") == 1
    assert outbox.due_messages() == []


def test_retry_later_waits_the_delay_the_handler_asked_for(workspace):
    with transaction.atomic():
        message = outbox.enqueue("tests.later", {})
    message.refresh_from_db()
    assert message.is_pending and message.published_at is None
    wait = (message.available_at - timezone.now()).total_seconds()
    assert 110 < wait <= 120
    assert message.last_error == "DGII says: in process"


def test_the_sweep_republishes_what_is_due_and_not_recently_published(workspace):
    with transaction.atomic():
        delayed = outbox.enqueue("tests.record", {"workspace_id": workspace.pk}, delay=60)
    assert ran == [] and outbox.due_messages() == []
    OutboxMessage.objects.filter(pk=delayed.pk).update(
        available_at=timezone.now(), published_at=timezone.now())
    assert outbox.due_messages() == []  # handed to the broker a moment ago: leave it
    with override_settings(OUTBOX_REPUBLISH_AFTER_SECONDS=0):
        assert outbox.sweep() == 1
    assert ran == [delayed.pk]
    assert outbox.sweep() == 0


def test_drain_runs_every_due_message_in_order(workspace):
    with transaction.atomic():
        ids = [outbox.enqueue("tests.record", {"workspace_id": workspace.pk}, delay=30).pk
               for _ in range(3)]
    OutboxMessage.objects.update(available_at=timezone.now())
    assert outbox.drain() == 3
    assert ran == ids


def test_an_unknown_topic_is_given_up_not_crashed(workspace):
    with transaction.atomic():
        message = outbox.enqueue("tests.nobody", {})
    message.refresh_from_db()
    assert message.failed_at is not None
    assert "no outbox handler" in message.last_error
