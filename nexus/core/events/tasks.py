"""The outbox's Celery tasks. They never use Celery's own retry: failures are rows the sweeper reads."""

from celery import shared_task

from .delivery import deliver_event
from .sweeper import sweep


@shared_task(name="core.deliver_event", ignore_result=True, acks_late=True)
def deliver_event_task(event_id: int, tenant_id: int | None = None) -> None:
    """Deliver one committed event to its listeners, in its tenant's scope."""
    deliver_event(event_id, tenant_id)


@shared_task(name="core.sweep_outbox", ignore_result=True)
def sweep_outbox_task() -> str:
    """Dispatch stranded events and retry due deliveries (Celery beat, every few seconds)."""
    return sweep().summary()
