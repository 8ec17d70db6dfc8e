"""DGII's answers, read into small immutable values.

DGII's JSON is not consistent between services and samples: `eNCF` in one answer is `encf`
in another, `codigo` arrives as a number or a string, `mensajes` is a list of `{valor,
codigo}` objects, a list of strings, or a single `mensaje`. Everything here reads field names
case-insensitively and tolerates those variants, so the client never branches on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class Code(IntEnum):
    """`codigo` of DGII's status answers."""

    NOT_FOUND = 0
    ACCEPTED = 1
    REJECTED = 2
    IN_PROCESS = 3
    ACCEPTED_CONDITIONAL = 4


_CODE_BY_STATE = {
    "no encontrado": Code.NOT_FOUND,
    "aceptado": Code.ACCEPTED,
    "rechazado": Code.REJECTED,
    "en proceso": Code.IN_PROCESS,
    "aceptado condicional": Code.ACCEPTED_CONDITIONAL,
}
FINAL_CODES = frozenset({Code.ACCEPTED, Code.REJECTED, Code.ACCEPTED_CONDITIONAL})


class MalformedAnswer(ValueError):
    """DGII answered 2xx with a body this module cannot read."""


@dataclass(frozen=True)
class Message:
    code: str
    text: str


@dataclass(frozen=True)
class Token:
    value: str
    issued_at: dt.datetime
    expires_at: dt.datetime

    def usable_until(self) -> dt.datetime:
        # Stop using a token a little before it expires, so a request never arrives with a
        # token that died on the way; a tenth of its life, at most a minute.
        margin = min(dt.timedelta(seconds=60), (self.expires_at - self.issued_at) / 10)
        return self.expires_at - margin

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        return (now or _now()) < self.usable_until()


@dataclass(frozen=True)
class Verdict:
    """DGII's word on one document: the status by trackId, an RFCE's answer or its lookup."""

    code: Code
    state: str
    encf: str = ""
    rnc: str = ""
    track_id: str = ""
    sequence_used: bool | None = None
    received_at: str = ""
    messages: tuple[Message, ...] = ()

    @property
    def is_final(self) -> bool:
        return self.code in FINAL_CODES

    @property
    def is_accepted(self) -> bool:
        return self.code in (Code.ACCEPTED, Code.ACCEPTED_CONDITIONAL)


@dataclass(frozen=True)
class TrackIdEntry:
    """One reception DGII holds for an e-NCF (consultatrackids)."""

    track_id: str
    code: Code
    state: str
    received_at: str = ""


@dataclass(frozen=True)
class VoidAnswer:
    """DGII's answer to an ANECF (anularrango)."""

    rnc: str
    code: str
    name: str
    messages: tuple[Message, ...] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fields(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise MalformedAnswer(f"expected a JSON object, got {type(body).__name__}")
    return {str(key).lower(): value for key, value in body.items()}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return {"true": True, "false": False}.get(text)


def code_of(codigo: Any, estado: Any) -> Code:
    try:
        return Code(int(str(codigo).strip()))
    except (TypeError, ValueError):
        pass
    code = _CODE_BY_STATE.get(_text(estado).lower())
    if code is None:
        raise MalformedAnswer(f"unknown status codigo={codigo!r} estado={estado!r}")
    return code


def messages_of(data: dict[str, Any]) -> tuple[Message, ...]:
    raw = data.get("mensajes")
    if raw is None and data.get("mensaje"):
        raw = [data["mensaje"]]
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    out = []
    for item in raw:
        if isinstance(item, dict):
            item = fields(item)
            text, code = _text(item.get("valor")), _text(item.get("codigo"))
        else:
            text, code = _text(item), ""
        if text or code:
            out.append(Message(code=code, text=text))
    return tuple(out)


def parse_timestamp(value: Any) -> dt.datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_token(body: Any, *, received_at: dt.datetime | None = None) -> Token:
    data = fields(body)
    value = _text(data.get("token"))
    if not value:
        raise MalformedAnswer("validarsemilla answered without a token")
    received_at = received_at or _now()
    issued, expires = parse_timestamp(data.get("expedido")), parse_timestamp(data.get("expira"))
    # DGII announces an hour; the lifetime it states is applied to our own clock, so a skew
    # between its clock and ours never makes us keep a dead token.
    lifetime = (expires - issued) if issued and expires and expires > issued else None
    if lifetime is None and expires and expires > received_at:
        lifetime = expires - received_at
    lifetime = lifetime or dt.timedelta(minutes=50)
    return Token(value=value, issued_at=received_at, expires_at=received_at + lifetime)


def parse_receipt(body: Any) -> tuple[str, tuple[Message, ...]]:
    """trackId and messages of a reception; an empty trackId means DGII did not take it."""
    data = fields(body)
    messages = messages_of(data)
    error = _text(data.get("error"))
    if error:
        messages = (Message(code="", text=error), *messages)
    return _text(data.get("trackid")), messages


def parse_verdict(body: Any) -> Verdict:
    data = fields(body)
    return Verdict(
        code=code_of(data.get("codigo"), data.get("estado")),
        state=_text(data.get("estado")),
        encf=_text(data.get("encf")),
        rnc=_text(data.get("rnc") or data.get("rncemisor")),
        track_id=_text(data.get("trackid")),
        sequence_used=_flag(data.get("secuenciautilizada")),
        received_at=_text(data.get("fecharecepcion")),
        messages=messages_of(data),
    )


def parse_track_ids(body: Any) -> list[TrackIdEntry]:
    # Documented as one object, observed as a list; nothing at all when DGII has none.
    if body in (None, "", {}):
        return []
    items = body if isinstance(body, list) else [body]
    entries = []
    for item in items:
        data = fields(item)
        entries.append(TrackIdEntry(
            track_id=_text(data.get("trackid")),
            code=code_of(data.get("codigo"), data.get("estado")),
            state=_text(data.get("estado")),
            received_at=_text(data.get("fecharecepcion")),
        ))
    return [entry for entry in entries if entry.track_id]


def parse_void(body: Any) -> VoidAnswer:
    data = fields(body)
    return VoidAnswer(
        rnc=_text(data.get("rnc")),
        code=_text(data.get("codigo")),
        name=_text(data.get("nombre") or data.get("estado")),
        messages=messages_of(data),
    )
