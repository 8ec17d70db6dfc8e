"""Exact list counts without counting a large table on every page.

`count(*)` over a million invoices costs ~100 ms on PostgreSQL while the page itself comes
from an index in a few. A filtered count only changes when the workspace's rows change, so it
is cached with the workspace's *generation*, a number every write that can change a listed
row (a document, a payment, a contact whose name the search matches…) bumps once it commits
(`changed`). A read fetches the generation and its count in one round trip and uses the count
only if it was computed under the current generation. A reader that counted while a write
was in flight stored its count under the old generation, which no longer matches once the
write's bump lands. Counts stay exact; they are just not recomputed while nothing changes.

Only with a cache shared by every process (Redis): with a per-process cache the generations
could not be shared, so the count is simply computed. Any cache error also falls back to
computing it, and a write never fails because the cache is down.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
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


def _generation_key(workspace_id: int) -> str:
    return f"listcount:gen:{workspace_id}"


def _bump(workspace_id: int) -> None:
    key = _generation_key(workspace_id)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet (or evicted): start from a random one
            cache.add(key, secrets.randbits(62), None)
            cache.incr(key)
    except Exception:  # a cache outage must not fail a write; counts fall back below
        logger.warning("could not bump the list-count generation", exc_info=True)


def changed(workspace_id: int) -> None:
    """Call from every service that changes rows a list counts, inside its transaction: the
    generation moves once the transaction commits (no cache call inside it)."""
    if not enabled():
        return
    transaction.on_commit(lambda: _bump(workspace_id))


def count(scope: str, workspace_id: int, params, compute: Callable[[], int]) -> int:
    """The count for these filter `params` (a QueryDict), from the cache when nothing of the
    workspace changed since it was computed."""
    if not enabled():
        return compute()
    filters = sorted((key, tuple(params.getlist(key))) for key in params
                     if key not in IGNORED_PARAMS)
    # Today is part of the key: "overdue" depends on it.
    digest = hashlib.sha256(repr((scope, filters, timezone.localdate())).encode()).hexdigest()
    generation_key = _generation_key(workspace_id)
    key = f"listcount:{scope}:{workspace_id}:{digest[:32]}"
    try:
        found = cache.get_many([generation_key, key])
        generation = found.get(generation_key)
        if generation is None:
            cache.add(generation_key, secrets.randbits(62), None)
            generation = cache.get(generation_key)
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
    except Exception:
        logger.warning("list count cache unavailable", exc_info=True)
        return compute()
    value = compute()
    try:
        cache.set(key, (generation, value), COUNT_TTL)
    except Exception:
        logger.warning("could not store a list count", exc_info=True)
    return value
