"""`Idempotency-Key` on POST (API.md): within 24 h the same key and body replay the first
response; the same key with another body is 422; while the first is still running, 409.

The key is claimed (a row inserted, committed at once) before the view runs, so a concurrent
request with the same key sees it. The response is stored once the view has answered; a 5xx
frees the key again so the client may retry.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from invoicing.core.errors import Conflict, DomainError
from workspaces.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255


class IdempotencyMismatch(DomainError):
    code = "idempotency_key_reused"
    http_status = 422


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def fingerprint(request) -> str:
    raw = request._request.body or b""
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = raw
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.rstrip("/").encode() + b"\n")
    digest.update(canonical)
    return digest.hexdigest()


def claim(request) -> IdempotencyRecord | None:
    """Claim the request's key, or raise Replay / IdempotencyMismatch / Conflict."""
    key = request.META.get(HEADER)
    if request.method != "POST" or not key or getattr(request, "workspace", None) is None:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(_("Idempotency-Key is longer than 255 characters."),
                          field="Idempotency-Key")
    print_ = fingerprint(request)
    workspace = request.workspace
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    workspace=workspace, key=key, fingerprint=print_
                )
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(workspace=workspace, key=key).first()
        if existing is None:
            continue
        now = timezone.now()
        expired = existing.created_at < now - settings.IDEMPOTENCY_TTL
        abandoned = existing.in_flight and (
            existing.created_at < now - settings.IDEMPOTENCY_STALE_AFTER
        )
        if expired or abandoned:
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
            continue
        if existing.fingerprint != print_:
            raise IdempotencyMismatch(_(
                "This Idempotency-Key was already used with a different request body."
            ))
        if existing.in_flight:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed; retry shortly."),
                code="idempotency_in_flight",
            )
        raise Replay(existing)
    raise Conflict(_("Could not claim the Idempotency-Key; retry."), code="idempotency_in_flight")


def store(record: IdempotencyRecord, response: Response) -> None:
    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=response.status_code, response_body=body
    )


def replay_response(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response
