"""Publishing: write the event in the caller's transaction, hand it to Celery after commit."""

import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from nexus.core.bulk import insert_rows
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
    batch = _Batch(tenant_id, historical)
    (event_id,) = batch.write([(name, payload)])
    ((name, schema_version, body, enqueued_at),) = batch.rows
    event = OutboxEvent(
        pk=event_id,
        tenant_id=batch.tenant_id,
        name=name,
        schema_version=schema_version,
        payload=body,
        occurred_at=batch.now,
        request_id=batch.request_id,
        historical=historical,
        enqueued_at=enqueued_at,
    )
    event._state.adding = False
    return event


def publish_many(
    events: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    tenant_id: int | None | Literal["current"] = "current",
    historical: bool = False,
) -> list[int]:
    """``publish`` for a batch (a posting's stock moves): validated first, inserted in one statement.

    All or nothing: one payload the catalogue refuses writes none of them. Returns the events'
    ids, in the order given (a batch may be thousands of events: no model instance per event).
    """
    return _Batch(tenant_id, historical).write(events)


class _Batch:
    """Events validated and written together: one tenant, request and time for all of them."""

    def __init__(self, tenant_id: int | None | Literal["current"], historical: bool) -> None:
        self.tenant_id = current_tenant_id() if tenant_id == "current" else tenant_id
        self.historical = historical
        self.request_id = current_request_id() or ""
        self.now = timezone.now()
        self.rows: list[tuple[str, int, dict[str, Any], Any]] = []

    def write(self, events: Sequence[tuple[str, Mapping[str, Any]]]) -> list[int]:
        dispatched = []
        for name, payload in events:
            spec = spec_for(name)
            body = spec.validate(payload)
            dispatch = not self.historical and has_listeners(name)
            dispatched.append(dispatch)
            # With nobody listening there is nothing to hand out: recorded as dispatched.
            enqueued_at = None if dispatch or self.historical else self.now
            self.rows.append((name, spec.schema_version, body, enqueued_at))
        if not self.rows:
            return []
        with admitting(self.tenant_id):
            ids = insert_rows(
                OutboxEvent,
                ["name", "schema_version", "payload", "enqueued_at"],
                self.rows,
                constants={
                    "tenant_id": self.tenant_id,
                    "occurred_at": self.now,
                    "request_id": self.request_id,
                    "historical": self.historical,
                },
            )
        for event_id, dispatch in zip(ids, dispatched, strict=True):
            if dispatch:
                transaction.on_commit(partial(enqueue_delivery, event_id, self.tenant_id), robust=True)
        return ids


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
