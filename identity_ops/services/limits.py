"""Rate limits for emails that anyone can trigger, counted in the shared cache (Redis in production).

Counted per address (or per record) before anything is looked up, so a refusal tells nothing
about whether the address has an account.
"""

import hashlib

from django.core.cache import cache

from nexus.core.errors import Throttled

PREFIX = "identity_ops:limit"


def _key(action: str, subject: str) -> str:
    # Hashed: the cache is no place to keep people's addresses.
    hashed = hashlib.sha256(subject.strip().lower().encode("utf-8")).hexdigest()
    return f"{PREFIX}:{action}:{hashed}"


def allow(action: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more ``action`` for ``subject``; False once ``limit`` is passed within the window.

    The window starts with the first counted attempt (a fixed window, kept in the cache).
    """
    key = _key(action, subject)
    if cache.add(key, 1, timeout=window_seconds):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this attempt opens a new window
        cache.add(key, 1, timeout=window_seconds)
        return limit >= 1
    return count <= limit


def require(action: str, subject: str, *, limit: int, window_seconds: int, what: str) -> None:
    """``allow``, or raise ``Throttled`` (429) naming what was asked too often."""
    if not allow(action, subject, limit=limit, window_seconds=window_seconds):
        minutes = max(1, window_seconds // 60)
        raise Throttled(f"Too many requests to {what}; try again in up to {minutes} minutes.")


def reset(action: str, subject: str) -> None:
    cache.delete(_key(action, subject))
