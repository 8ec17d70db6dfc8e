"""Outbox handlers of the e-CF app: take ids, call `sending` / `voiding`. Each locks its
document's row, so a message delivered twice (or again after its worker died) asks DGII what
it has instead of sending a second time."""

from __future__ import annotations

from invoicing.core import outbox

from . import sending


@outbox.handler(sending.SEND, max_attempts=20)
def send_ecf(message) -> str:
    return sending.send(message.payload["record_id"])


@outbox.handler(sending.POLL, max_attempts=20)
def poll_ecf(message) -> None:
    sending.poll_message(message.payload["record_id"])


@outbox.handler(sending.RESUME, max_attempts=20)
def resume_ecf(message) -> int:
    return sending.resume(message.payload["workspace_id"], message.payload.get("attempt", 0))


@outbox.handler(sending.VOID, max_attempts=20)
def void_unused_numbers(message) -> int:
    from .voiding import void_unused

    return void_unused(message.payload["workspace_id"])


@outbox.handler("ecf.void_range", max_attempts=20)
def void_range(message) -> None:
    from .voiding import send_voided_range

    payload = message.payload
    send_voided_range(payload["workspace_id"], payload["first"], payload["last"])
