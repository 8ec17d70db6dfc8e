"""The `ecf` block of a document's API object (API.md): null for a non-electronic document,
else `{status, environment, security_code, signed_at, qr_url, track_id, sent_at,
answered_at, messages}`. Registered with `documents.blocks`, so the invoice read model
carries it in its one query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from invoicing.documents import blocks

from .models import EcfRecord

TIMES = ("signed_at", "sent_at", "answered_at")
TEXTS = ("status", "environment", "security_code", "qr_url", "track_id")


def _sql(kind: str, table: str) -> str:
    record = EcfRecord._meta.db_table
    stamp = "to_char(r.{0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    pairs = [f"'{name}', r.{name}" for name in TEXTS] + \
        [f"'{name}', {stamp.format(name)}" for name in TIMES] + ["'messages', r.messages"]
    assert kind.isidentifier()
    return (f"(SELECT json_build_object({', '.join(pairs)})::text FROM \"{record}\" r "
            f"WHERE r.document_kind = '{kind}' AND r.document_id = \"{table}\".id)")


def raw(record: EcfRecord) -> dict:
    return {**{name: getattr(record, name) for name in TEXTS + TIMES},
            "messages": record.messages}


def _fetch(kind: str, ids: list[int]) -> dict[int, Any]:
    return {record.document_id: raw(record) for record in EcfRecord.objects.filter(
        document_kind=kind, document_id__in=ids).only(*TEXTS, *TIMES, "messages",
                                                      "document_id")}


def _written(document) -> Any:
    record = getattr(document, "written_ecf", None)
    return raw(record) if record is not None else None


def _time(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return timezone.localtime(value).isoformat()


def render(value: Any) -> dict | None:
    if value is None:
        return None
    return {
        "status": value["status"], "environment": value["environment"],
        "security_code": value["security_code"], "signed_at": _time(value["signed_at"]),
        "qr_url": value["qr_url"], "track_id": value["track_id"] or None,
        "sent_at": _time(value["sent_at"]), "answered_at": _time(value["answered_at"]),
        "messages": [{"code": str(m.get("code", "")), "message": str(m.get("message", ""))}
                     for m in value["messages"] or []],
    }


def _filter(kind: str, queryset, value: str):
    from django.db.models import Exists, OuterRef

    return queryset.filter(Exists(EcfRecord.objects.filter(
        document_kind=kind, document_id=OuterRef("pk"), status=value)))


def register() -> None:
    blocks.register(blocks.Block(name="ecf", sql=_sql, fetch=_fetch, written=_written,
                                 render=render, filter=_filter))
