"""Login throttling, for the app's login and the admin's: after LOGIN_FAILURE_LIMIT failures
for one email (from any address), or four times as many from one client address (for any
email), attempts are refused for LOGIN_LOCKOUT_SECONDS.

Counters live in the shared cache (Redis in production), so every web process sees them. When
the cache cannot be reached the throttle degrades instead of failing the login: it counts in
this process until the cache answers again.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)

# Several staff may share an office's address: it gets more room than one account.
ADDRESS_FACTOR = 4
_local = LocMemCache("login-throttle-fallback", {"MAX_ENTRIES": 10_000})


def _cache_call(method: str, *args):
    try:
        return getattr(cache, method)(*args)
    except Exception as error:  # the backend's own errors (redis.ConnectionError, timeouts…)
        log.warning("Login throttle: the cache is unavailable (%s); counting in this process",
                    type(error).__name__)
        return getattr(_local, method)(*args)


def _keys(email: str, address: str) -> list[str]:
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{address}"]


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _bucket(ip) -> str:
    # One IPv6 subscriber holds a whole /64: counting single addresses would let them rotate.
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(request) -> str:
    """The client as the throttle counts it. Behind our TLS proxy (BEHIND_TLS_PROXY) that is
    the rightmost `X-Forwarded-For` hop that is not one of TRUSTED_PROXIES: the proxy appends
    the address it saw, so what a client writes into the header itself sits to its left and
    is never believed. Otherwise REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    chosen = _ip(remote)
    if settings.BEHIND_TLS_PROXY:
        trusted = _networks(tuple(settings.TRUSTED_PROXIES))
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        for hop in reversed(hops):
            ip = _ip(hop)
            if ip is None:
                break  # a malformed hop: trust nothing further left
            chosen = ip
            if not any(ip in network for network in trusted):
                break
    return _bucket(chosen) if chosen is not None else (remote or "unknown")


def is_locked(email: str, address: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    email_key, ip_key = _keys(email, address)
    counts = _cache_call("get_many", [email_key, ip_key])
    return counts.get(email_key, 0) >= limit or counts.get(ip_key, 0) >= limit * ADDRESS_FACTOR


def _increment(key: str) -> None:
    if _cache_call("add", key, 1, settings.LOGIN_LOCKOUT_SECONDS):
        return
    try:
        _cache_call("incr", key)
    except ValueError:  # expired between add() and incr()
        _cache_call("set", key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def record_failure(email: str, address: str) -> None:
    for key in _keys(email, address):
        _increment(key)


def reset(email: str, address: str) -> None:
    _cache_call("delete", _keys(email, address)[0])
