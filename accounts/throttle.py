"""Login throttling: after LOGIN_FAILURE_LIMIT failures for one email (from any address) or
one address (for any email), the form refuses attempts for LOGIN_LOCKOUT_SECONDS."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, address: str) -> list[str]:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{address}"]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_locked(email: str, address: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = cache.get_many(_keys(email, address))
    email_key, ip_key = _keys(email, address)
    # An address gets more room than one account: several staff may share an office NAT.
    return counts.get(email_key, 0) >= limit or counts.get(ip_key, 0) >= limit * 4


def record_failure(email: str, address: str) -> None:
    for key in _keys(email, address):
        if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def reset(email: str, address: str) -> None:
    cache.delete(_keys(email, address)[0])
