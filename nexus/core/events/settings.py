"""The outbox's tunables, read from Django settings with defaults (see nexus/settings/base.py)."""

from datetime import timedelta

from django.conf import settings


def max_attempts() -> int:
    """Attempts before a delivery is given up as dead."""
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


def retry_base() -> timedelta:
    """The first back-off; each later one doubles, up to ``retry_cap()``."""
    return timedelta(seconds=float(getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 10)))


def retry_cap() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 3600)))


def sweep_after() -> timedelta:
    """How long an event may wait for its Celery task before the sweeper delivers it itself."""
    return timedelta(seconds=float(getattr(settings, "OUTBOX_SWEEP_AFTER_SECONDS", 10)))


def sweep_batch() -> int:
    return int(getattr(settings, "OUTBOX_SWEEP_BATCH", 200))


def enqueue_timeout() -> float:
    """Seconds a request may spend handing an event to the broker after commit."""
    return float(getattr(settings, "OUTBOX_ENQUEUE_TIMEOUT_SECONDS", 1.0))
