"""The beat heartbeat: a timestamp in the shared cache that readiness reports."""

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "nexus:beat:heartbeat"


def record_beat_heartbeat() -> datetime:
    now = timezone.now()
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=None)
    return now


def beat_heartbeat_age() -> float | None:
    """Seconds since the last heartbeat, or None if beat never ran against this cache."""
    stamp = cache.get(HEARTBEAT_KEY)
    if stamp is None:
        return None
    return (timezone.now() - datetime.fromisoformat(stamp)).total_seconds()
