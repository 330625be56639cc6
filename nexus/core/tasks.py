"""Kernel periodic tasks."""

from celery import shared_task

from .heartbeat import record_beat_heartbeat


@shared_task(name="core.beat_heartbeat", ignore_result=False)
def beat_heartbeat() -> str:
    """Record that Celery beat (and a worker) are alive; readiness reports its age."""
    return record_beat_heartbeat().isoformat()
