"""Standard Webhooks signing (https://www.standardwebhooks.com/): a `whsec_` secret whose
base64 part is the HMAC key, and `webhook-signature: v1,<base64 HMAC-SHA256 over
"{webhook-id}.{webhook-timestamp}.{body}">`. Secrets are stored encrypted at rest with the
deployment's key (the one that guards issuers' e-CF keys)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _box() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.ECF_KEY_ENCRYPTION_KEYS])


def encrypt(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return _box().decrypt(token.encode()).decode()


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, event_id: str, body: bytes, *, timestamp: int | None = None) -> dict:
    """The headers of one attempt: the timestamp is the attempt's (receivers refuse old
    ones), the id the event's (receivers dedupe by it)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": event_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, event_id, timestamp, body),
            "Content-Type": "application/json", "User-Agent": "Facturacion-Webhooks/1"}
