"""Exact list counts without counting a large table on every page.

`count(*)` over a million invoices costs ~100 ms on PostgreSQL while the page itself comes
from an index in a few. The count of a given filter only changes when the workspace's rows
change, so it is cached under a per-workspace *version* that every write bumps: inside the
writing transaction (for readers in the same transaction) and again once it commits (a
reader that counted while the write was in flight stored its count under the old version,
which nobody asks for any more). Counts stay exact, they are just not recomputed while
nothing changes.

Only with a cache shared by every process (Redis): with a per-process cache the versions
could not be shared, so the count is simply computed. Any cache error also falls back to
computing it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
IGNORED_PARAMS = {"page", "per_page", "sort"}
COUNT_TTL = 24 * 3600


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def _version_key(scope: str, workspace_id: int) -> str:
    return f"listcount:v:{scope}:{workspace_id}"


def bump(scope: str, workspace_id: int) -> None:
    """Call from every service that writes rows of `scope` (inside its transaction)."""
    if not enabled():
        return

    def new_version():
        try:
            cache.set(_version_key(scope, workspace_id), time.time_ns(), None)
        except Exception:  # a cache outage must not fail a write; counts fall back below
            logger.warning("could not bump the %s count version", scope, exc_info=True)

    new_version()
    transaction.on_commit(new_version)


def count(scope: str, workspace_id: int, params, compute: Callable[[], int]) -> int:
    """The count for these filter `params` (a QueryDict), from the cache when nothing of the
    workspace changed since it was computed."""
    if not enabled():
        return compute()
    try:
        version = cache.get(_version_key(scope, workspace_id))
        if version is None:
            version = time.time_ns()
            cache.add(_version_key(scope, workspace_id), version, None)
            version = cache.get(_version_key(scope, workspace_id), version)
        filters = sorted((key, tuple(params.getlist(key))) for key in params
                         if key not in IGNORED_PARAMS)
        # Today is part of the key: "overdue" depends on it.
        digest = hashlib.sha256(repr((filters, timezone.localdate())).encode()).hexdigest()
        key = f"listcount:{scope}:{workspace_id}:{version}:{digest[:32]}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    except Exception:
        logger.warning("list count cache unavailable", exc_info=True)
        return compute()
    value = compute()
    try:
        cache.set(key, value, COUNT_TTL)
    except Exception:
        logger.warning("could not store a list count", exc_info=True)
    return value
