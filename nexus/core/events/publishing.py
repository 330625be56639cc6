"""Publishing: write the event in the caller's transaction, hand it to Celery after commit."""

import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from nexus.core.models import OutboxEvent
from nexus.core.request_id import current_request_id
from nexus.core.scope import current_tenant_id

from . import settings as outbox_settings
from .catalogue import spec_for
from .registry import has_listeners
from .scoping import admitting
from .tasks import deliver_event_task

logger = logging.getLogger(__name__)


def publish(
    name: str,
    payload: Mapping[str, Any],
    *,
    tenant_id: int | None | Literal["current"] = "current",
    historical: bool = False,
) -> OutboxEvent:
    """Record event ``name`` in the current transaction; deliver it to listeners after commit.

    The tenant is the current scope's unless given (``None`` for a platform-wide event; the
    insert is admitted by row-level security whatever the current scope).
    Historical events (demo data, imports) are recorded and never dispatched. Raises
    ``UnknownEvent`` or ``EventPayloadError`` when the catalogue disagrees, before writing.
    """
    return publish_many([(name, payload)], tenant_id=tenant_id, historical=historical)[0]


def publish_many(
    events: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    tenant_id: int | None | Literal["current"] = "current",
    historical: bool = False,
) -> list[OutboxEvent]:
    """``publish`` for a batch (a posting's stock moves): validated first, inserted in one statement.

    All or nothing: one payload the catalogue refuses writes none of them.
    """
    event_tenant = current_tenant_id() if tenant_id == "current" else tenant_id
    request_id = current_request_id() or ""
    now = timezone.now()
    rows, dispatched = [], []
    for name, payload in events:
        spec = spec_for(name)
        body = spec.validate(payload)
        dispatch = not historical and has_listeners(name)
        dispatched.append(dispatch)
        rows.append(
            OutboxEvent(
                tenant_id=event_tenant,
                name=name,
                schema_version=spec.schema_version,
                payload=body,
                request_id=request_id,
                historical=historical,
                # With nobody listening there is nothing to hand out: recorded as dispatched.
                enqueued_at=None if dispatch or historical else now,
            )
        )
    if not rows:
        return []
    with admitting(event_tenant):
        created = OutboxEvent.objects.bulk_create(rows)
    for event, dispatch in zip(created, dispatched, strict=True):
        if dispatch:
            transaction.on_commit(partial(enqueue_delivery, event.pk, event_tenant), robust=True)
    return created


def enqueue_delivery(event_id: int, tenant_id: int | None) -> bool:
    """Hand the event to Celery; on any broker failure leave it to the sweeper. Never raises.

    In the embedded mode (eager Celery) this delivers in-process, right here. With a broker,
    connecting is tried once (no retry loop; Redis's connect timeout is a transport option in
    settings) and publishing waits at most ``OUTBOX_ENQUEUE_TIMEOUT_SECONDS``.
    """
    task_kwargs = {"tenant_id": tenant_id}
    try:
        app = deliver_event_task.app
        if app.conf.task_always_eager:
            deliver_event_task.apply_async(args=(event_id,), kwargs=task_kwargs)
            return True
        timeout = outbox_settings.enqueue_timeout()
        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=0, timeout=timeout)
            deliver_event_task.apply_async(  # type: ignore[call-arg]  # the stubs omit publish options
                args=(event_id,), kwargs=task_kwargs, producer=producer, retry=False, timeout=timeout
            )
    except Exception:  # a broker that is down must never fail a committed request
        logger.warning(
            "could not enqueue outbox event %s; the sweeper will deliver it", event_id, exc_info=True
        )
        return False
    return True
