"""DGII's token, shared by every process of a deployment.

DGII hands out a token for a signed seed and it lasts an hour. Each worker asking for its own
would sign and post a seed per document; instead the token lives in the Django cache (Redis in
production) under one key per workspace and environment, and a Redis lock lets only one
process fetch a new one while the others wait and then read it.

Django's RedisCache has no lock, so the lock is taken on its redis client directly. Without
Redis (the embedded default: one process, tasks run eagerly) a process-local lock does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import threading
from collections.abc import Callable, Iterator

from django.core.cache import caches

from .dgii_answers import Token, parse_timestamp

logger = logging.getLogger(__name__)

_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


def _redis_client(backend):
    from django.core.cache.backends.redis import RedisCache

    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True)
    return None


class TokenStore:
    def __init__(self, workspace_id: int, environment: str, *, lock_seconds: float) -> None:
        self.key = f"dgii:token:{workspace_id}:{environment}"
        self.lock_seconds = lock_seconds

    @property
    def _cache(self):
        return caches["default"]

    def read(self) -> Token | None:
        data = self._cache.get(self.key)
        if not isinstance(data, dict):
            return None
        issued, expires = parse_timestamp(data.get("issued_at")), parse_timestamp(
            data.get("expires_at"))
        if not data.get("token") or not issued or not expires:
            return None
        token = Token(value=data["token"], issued_at=issued, expires_at=expires)
        return token if token.is_usable() else None

    def write(self, token: Token) -> None:
        seconds = (token.usable_until() - dt.datetime.now(dt.UTC)).total_seconds()
        if seconds <= 0:
            return
        self._cache.set(self.key, {
            "token": token.value,
            "issued_at": token.issued_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
        }, timeout=math.ceil(seconds))

    def forget(self) -> None:
        self._cache.delete(self.key)

    def get_or_fetch(self, fetch: Callable[[], Token], *, refused: str | None = None) -> Token:
        """The cached token, or one fetched by exactly one process. `refused` is a token DGII
        just answered 401 to: it counts as missing, unless another process already replaced it.
        """
        token = self.read()
        if token and token.value != refused:
            return token
        with self._lock():
            token = self.read()
            if token and token.value != refused:
                return token
            token = fetch()
            self.write(token)
            return token

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        client = _redis_client(self._cache)
        if client is None:
            with _local_lock(self.key):
                yield
            return
        from redis.exceptions import LockError

        lock = client.lock(self._cache.make_key(f"{self.key}:lock"), timeout=self.lock_seconds,
                           blocking_timeout=self.lock_seconds)
        acquired = False
        try:
            acquired = lock.acquire()
        except LockError:
            acquired = False
        if not acquired:
            # The holder is taking longer than any fetch can (its lock will lapse): better one
            # extra seed than a worker stuck behind a dead one.
            logger.warning("DGII token lock %s not acquired; fetching without it", self.key)
        try:
            yield
        finally:
            if acquired:
                with contextlib.suppress(LockError):
                    lock.release()


def _local_lock(key: str) -> threading.Lock:
    with _local_locks_guard:
        return _local_locks.setdefault(key, threading.Lock())
