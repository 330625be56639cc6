"""Rate limits for emails that anyone can trigger, counted in the database (``nexus.core.counters``).

Counted per address (or per record) before anything is looked up, so a refusal tells nothing
about whether the address has an account. Not in the cache: flushing or losing it must not hand
out a fresh allowance of emails to someone's address.
"""

import datetime as dt
import hashlib

from nexus.core import counters
from nexus.core.errors import Throttled

PREFIX = "identity_ops:limit"


def _name(action: str, subject: str) -> str:
    # Hashed: the counter needs no one's address in the clear.
    hashed = hashlib.sha256(subject.strip().lower().encode("utf-8")).hexdigest()
    return f"{PREFIX}:{action}:{hashed}"


def allow(action: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more ``action`` for ``subject``; False once ``limit`` is passed within the window.

    The window starts with the first counted attempt (a fixed window).
    """
    counted = counters.count(_name(action, subject), dt.timedelta(seconds=window_seconds))
    return counted <= limit


def require(action: str, subject: str, *, limit: int, window_seconds: int, what: str) -> None:
    """``allow``, or raise ``Throttled`` (429) naming what was asked too often."""
    if not allow(action, subject, limit=limit, window_seconds=window_seconds):
        minutes = max(1, window_seconds // 60)
        raise Throttled(f"Too many requests to {what}; try again in up to {minutes} minutes.")
