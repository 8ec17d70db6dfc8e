"""`Idempotency-Key` on POST (API.md): within 24 h the same key and body replay the first
response; the same key with another body is 422; while the first is still running, 409.

- The key is claimed first, in its own short transaction that commits at once, so a
  concurrent request with the same key finds it and gets 409 straight away instead of
  waiting on a lock.
- The request then runs inside one transaction (`run`), and its answer (4xx included) is
  written in that same transaction: a change that commits always has its key's answer, even
  if the connection is lost right after the commit, so a retry replays it.
- A request that fails with a 5xx, or whose transaction rolls back, frees its key.
- Bodies are compared by a fingerprint: JSON canonically, multipart by its fields and a hash
  of each file. Secrets shown once (`redact_fields` of the view) are stored redacted, and
  their replay says so.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from invoicing.core.errors import Conflict, DomainError
from invoicing.core.models import IdempotencyRecord

log = logging.getLogger(__name__)

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
REDACTED = "redacted: shown once, when it was created"


class IdempotencyMismatch(DomainError):
    code = "idempotency_key_reused"
    http_status = 422


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.rstrip("/").encode() + b"\n")
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        fields = sorted((key, request.data.getlist(key)) for key in request.data
                        if key not in request.FILES)
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_hash = hashlib.sha256()
                for chunk in upload.chunks():
                    file_hash.update(chunk)
                upload.seek(0)
                digest.update(f"\n{name}:{upload.name}:{file_hash.hexdigest()}".encode())
        return digest.hexdigest()
    raw = request._request.body or b""
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        canonical = raw
    digest.update(canonical)
    return digest.hexdigest()


def claim(request) -> IdempotencyRecord | None:
    """Claim the request's key (committed at once), or raise Replay / IdempotencyMismatch /
    Conflict. None when the request carries no key."""
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
                return IdempotencyRecord.objects.create(workspace=workspace, key=key,
                                                        fingerprint=print_)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(workspace=workspace, key=key).first()
        if existing is None:
            continue
        now = timezone.now()
        expired = existing.created_at < now - settings.IDEMPOTENCY_TTL
        abandoned = existing.in_flight and (
            existing.created_at < now - settings.IDEMPOTENCY_STALE_AFTER)
        if expired or abandoned:
            IdempotencyRecord.objects.filter(pk=existing.pk, created_at=existing.created_at) \
                .delete()
            continue
        if existing.fingerprint != print_:
            raise IdempotencyMismatch(_(
                "This Idempotency-Key was already used with a different request body."))
        if existing.in_flight:
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed; retry shortly."),
                code="idempotency_in_flight")
        raise Replay(existing)
    raise Conflict(_("Could not claim the Idempotency-Key; retry."), code="idempotency_in_flight")


def _redact(data, fields: tuple[str, ...]):
    if isinstance(data, dict):
        return {key: (REDACTED if key in fields and value else _redact(value, fields))
                for key, value in data.items()}
    if isinstance(data, list):
        return [_redact(item, fields) for item in data]
    return data


def store(record: IdempotencyRecord, response: Response, *,
          redact_fields: tuple[str, ...] = ()) -> None:
    """Write the answer: call inside the request's transaction."""
    body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=response.status_code, response_body=_redact(body, redact_fields))


def free(record: IdempotencyRecord) -> None:
    """Give the key back after a failure (its own transaction; never raises)."""
    try:
        IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()
    except Exception:  # the database is gone: the key frees itself once stale
        log.warning("idempotency: could not free key %s", record.key, exc_info=True)


def replay_response(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response
