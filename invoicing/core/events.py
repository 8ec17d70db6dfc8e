"""Domain events for the systems that integrate with us (webhooks).

A service that changes something an integrator may care about calls `emit(type, …)` inside
its transaction. Nothing happens unless a sink (the webhooks app registers one) says the
workspace wants that event; then the event is recorded in the same transaction (an outbox
row), so a committed change always gets its event and a rolled-back one never does.

Inside the numbering lock window (after a series' number is taken, DESIGN.md "Numbering")
nothing may read: such services ask `wanted()` before taking the number and `record()` the
event, rendered from memory, after it (one INSERT).

`core` names no app: sinks register themselves (`register_sink`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Sink:
    # Which of these event types the workspace wants (one cheap read).
    wanted: Callable[[int, tuple[str, ...]], set[str]]
    # Record the event in the caller's transaction (writes only, no reads).
    record: Callable[[int, dict], Any]


_SINKS: list[Sink] = []


def register_sink(sink: Sink) -> None:
    if sink not in _SINKS:
        _SINKS.append(sink)


def wanted(workspace_id: int, *types: str) -> set[str]:
    """The event types among `types` that some sink wants for this workspace."""
    found: set[str] = set()
    for sink in _SINKS:
        found |= sink.wanted(workspace_id, types)
    return found


def new_event(event_type: str, data: dict) -> dict:
    """The event as it is delivered: `{id, type, timestamp, data}` (API.md "Webhooks")."""
    return {"id": f"msg_{uuid.uuid4().hex}", "type": event_type,
            "timestamp": timezone.now().isoformat(), "data": data}


def record(event_type: str, *, workspace_id: int, data: dict) -> None:
    """Record an event already known to be wanted; only writes (safe in the lock window)."""
    event = new_event(event_type, data)
    for sink in _SINKS:
        sink.record(workspace_id, event)


def emit(event_type: str, *, workspace_id: int, render: Callable[[], dict],
         known: set[str] | None = None) -> bool:
    """Record `event_type` with `render()` as its data if the workspace wants it. `known`:
    the answer of an earlier `wanted()` in the same transaction (saves the read)."""
    if event_type not in (known if known is not None else wanted(workspace_id, event_type)):
        return False
    record(event_type, workspace_id=workspace_id, data=render())
    return True
