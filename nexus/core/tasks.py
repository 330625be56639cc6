"""Kernel periodic tasks."""

from celery import shared_task

from .audit.sealer import seal_chains
from .heartbeat import record_beat_heartbeat


@shared_task(name="core.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that Celery beat (and a worker) are alive; readiness reports its age."""
    return record_beat_heartbeat().isoformat()


@shared_task(name="core.seal_audit", ignore_result=True)
def seal_audit() -> int:
    """Seal every committed audit event waiting in any chain; return how many were sealed."""
    return seal_chains().total
