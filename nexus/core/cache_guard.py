"""The shared cache, guarded: when Redis is down, requests go on with a cache of this process.

Only what may be lost lives in the shared cache — throttle histories and cached reads; security
state is kept in the database (docs/decisions/0002-security-state-in-the-database.md). So when
Redis cannot be reached, ``GuardedRedisCache`` answers from a local-memory cache of the process
instead of failing the request: throttles count per process (each worker allows the full rate)
and cached reads are computed again. A circuit breaker keeps every call from waiting out the
connect timeout: after a failure the shared cache is skipped for ``retry_after`` seconds, then one
call probes it again. Losing it and getting it back are each logged once, not per request.

Configured by ``CACHE_URL`` (``redis://``) in settings; the OPTIONS key ``retry_after`` (seconds)
sets the pause, the other OPTIONS go to Redis as usual.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_SECONDS = 5.0
# Entries the stand-in keeps (throttle histories per client, cached reads) before culling.
FALLBACK_MAX_ENTRIES = 10_000
# An outage, as opposed to a bug in the caller (a wrong type, incr of a missing key ...).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
PROBE_KEY = "nexus:cache-guard:probe"


class CircuitBreaker:
    """Closed while the dependency answers; open for ``retry_after`` seconds after a failure.

    Once the pause is over, one caller gets to probe (``allows`` answers True to it alone); its
    outcome closes the breaker or opens it for another pause. Shared by the threads of a process.
    """

    def __init__(self, name: str, retry_after: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allows(self) -> bool:
        """Whether this call may go to the dependency (closed, or the one probe after a pause)."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._probing or self._clock() < self._open_until:
                return False
            self._probing = True
            return True

    def record_success(self, *, probe: bool = False) -> None:
        """The dependency answered. Only a probe closes an open breaker: a call that started
        before the failure and answered late proves little."""
        with self._lock:
            if self._open_until is None or not (self._probing or probe):
                return
            self._open_until = None
            self._probing = False
        logger.warning("%s answers again; back to the shared cache", self.name)

    def record_failure(self, error: BaseException) -> None:
        with self._lock:
            newly_open = self._open_until is None
            self._open_until = self._clock() + self.retry_after
            self._probing = False
        if newly_open:
            logger.warning(
                "%s is unreachable (%s: %s); throttles count per process and cached reads are not "
                "shared until it answers (probed every %gs)",
                self.name,
                type(error).__name__,
                error,
                self.retry_after,
            )


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, retry_after: float) -> CircuitBreaker:
    """The process's breaker for ``name`` (Django builds a cache object per thread; they share it)."""
    with _breakers_lock:
        breaker = _breakers.get(name)
        if breaker is None or breaker.retry_after != retry_after:
            breaker = _breakers[name] = CircuitBreaker(name, retry_after)
        return breaker


class GuardedRedisCache(RedisCache):
    """Django's Redis cache that falls back to process memory while Redis is unreachable."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        retry_after = float(options.pop("retry_after", DEFAULT_RETRY_AFTER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        name = f"the shared cache at {server if isinstance(server, str) else ','.join(server)}"
        self.breaker = breaker_for(name, retry_after)
        # LocMemCache keeps its entries per name at module level: every thread shares them.
        self.fallback = LocMemCache(
            name,
            {
                "TIMEOUT": params.get("TIMEOUT", params.get("timeout", 300)),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    def _guarded(self, operation: str, *args: Any) -> Any:
        if self.breaker.allows():
            try:
                result = getattr(RedisCache, operation)(self, *args)
            except UNREACHABLE as error:
                self.breaker.record_failure(error)
            else:
                self.breaker.record_success()
                return result
        return getattr(self.fallback, operation)(*args)

    def probe(self) -> None:
        """Write and read a key in Redis itself, whatever the breaker says; record the outcome.

        Raises what Redis raised, or ``RuntimeError`` when it did not return what was written.
        """
        try:
            RedisCache.set(self, PROBE_KEY, "1", 10)
            answered = RedisCache.get(self, PROBE_KEY)
        except UNREACHABLE as error:
            self.breaker.record_failure(error)
            raise
        self.breaker.record_success(probe=True)
        if answered != "1":
            raise RuntimeError("the cache did not return what was written")

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._guarded("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._guarded("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guarded("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._guarded("get_many", keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guarded("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._guarded("incr", key, delta, version))

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return list(self._guarded("set_many", data, timeout, version) or [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded("delete_many", keys, version)

    def clear(self) -> None:
        self._guarded("clear")
