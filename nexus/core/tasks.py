"""Kernel periodic tasks."""

from celery import shared_task

from .audit.sealer import seal_chains
from .events.tasks import deliver_event_task, sweep_outbox_task  # noqa: F401  (registers them)
from .heartbeat import record_beat_heartbeat
from .retention import purge_all


@shared_task(name="core.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that Celery beat (and a worker) are alive; readiness reports its age."""
    return record_beat_heartbeat().isoformat()


@shared_task(name="core.seal_audit", ignore_result=True)
def seal_audit() -> int:
    """Seal every committed audit event waiting in any chain; return how many were sealed."""
    return seal_chains().total


@shared_task(name="core.purge_expired", ignore_result=True)
def purge_expired() -> dict[str, int]:
    """Delete rows past their retention period (every registered purge rule); rows per rule."""
    return purge_all()
