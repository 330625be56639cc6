"""Delivery: run one listener for one event, exactly once in effect.

Each (event, listener) pair has one ``OutboxDelivery`` row. A delivery locks (or inserts) that
row first, runs the listener in a savepoint and records the outcome in the same transaction, so
the listener's writes and "delivered" commit together: a message that arrives twice finds the row
delivered and does nothing. A failing listener's writes roll back to the savepoint; the failure,
the attempt count and the time of the next attempt are recorded instead, and nothing is raised.
Only the sweeper retries.
"""

import copy
import logging
import random
import traceback
from datetime import datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent

from . import settings as outbox_settings
from .envelope import EventEnvelope
from .registry import Listener, find_listener, listeners_for
from .scoping import bookkeeping_scope, listener_scope

logger = logging.getLogger(__name__)

# Enough of a traceback for an operator to see where it failed, bounded for the table.
MAX_ERROR_CHARS = 4000
SETTLED = (DeliveryStatus.DELIVERED, DeliveryStatus.DEAD)


class RandomSource(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


def retry_delay(attempt: int, rng: RandomSource | None = None) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based): doubling, capped, jittered.

    Half the delay is fixed and half random ("equal jitter"), so retries of many deliveries
    that failed together spread out instead of hammering a recovering dependency at once.
    """
    base = outbox_settings.retry_base().total_seconds()
    cap = outbox_settings.retry_cap().total_seconds()
    delay = min(cap, base * 2 ** (attempt - 1))
    jitter = (rng or random).uniform(0, delay / 2)
    return timedelta(seconds=delay / 2 + jitter)


def error_summary(exc: BaseException) -> str:
    """The exception and the innermost frames of its traceback, within ``MAX_ERROR_CHARS``."""
    text = "".join(traceback.format_exception(exc, limit=-8)).strip()
    if len(text) > MAX_ERROR_CHARS:
        text = "…" + text[-(MAX_ERROR_CHARS - 1) :]
    return text


def deliver_event(event_id: int, tenant_id: int | None) -> None:
    """Deliver the event to each of its listeners that is due, then mark it dispatched.

    Runs as the Celery task ``core.deliver_event``; safe to run twice or concurrently.
    """
    with bookkeeping_scope(tenant_id):
        event = OutboxEvent.objects.filter(pk=event_id).first()
        if event is None or event.historical:
            return
        for item in listeners_for(event.name):
            deliver(event, item)
        OutboxEvent.objects.filter(pk=event_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


def deliver(event: OutboxEvent, item: Listener) -> DeliveryStatus | None:
    """Run ``item`` for ``event`` unless already settled or waiting for its next attempt.

    Returns the delivery's status afterwards, or None when it was not due. The caller must be
    in a scope that sees the event's rows.
    """
    now = timezone.now()
    with transaction.atomic():
        OutboxDelivery.objects.bulk_create(
            [OutboxDelivery(event=event, tenant_id=event.tenant_id, listener=item.name)],
            ignore_conflicts=True,
        )
        delivery = OutboxDelivery.objects.select_for_update().get(event=event, listener=item.name)
        if not is_due(delivery, now):
            return None
        return attempt(delivery, event, item)


def retry_delivery(delivery: OutboxDelivery) -> DeliveryStatus:
    """Attempt a delivery the caller has locked (the sweeper), with its event loaded."""
    item = find_listener(delivery.event.name, delivery.listener)
    if item is None:
        # The code that listened is gone; keep the row for the record, stop retrying.
        delivery.status = DeliveryStatus.DEAD
        delivery.last_error = (
            f"listener {delivery.listener!r} is no longer registered for {delivery.event.name}"
        )
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
        return DeliveryStatus.DEAD
    return attempt(delivery, delivery.event, item)


def is_due(delivery: OutboxDelivery, now: datetime) -> bool:
    if delivery.status in SETTLED:
        return False
    return delivery.next_attempt_at is None or delivery.next_attempt_at <= now


def attempt(delivery: OutboxDelivery, event: OutboxEvent, item: Listener) -> DeliveryStatus:
    """Run the listener in a savepoint and record the outcome on the locked delivery row."""
    number = delivery.attempts + 1
    envelope = EventEnvelope(
        event_id=event.pk,
        name=event.name,
        schema_version=event.schema_version,
        tenant_id=event.tenant_id,
        occurred_at=event.occurred_at,
        request_id=event.request_id,
        listener=item.name,
        attempt=number,
    )
    try:
        # The scope is entered outside the savepoint: a failed SQL statement leaves the
        # transaction unusable until the savepoint is rolled back, and leaving the scope
        # writes to the connection.
        with listener_scope(event.tenant_id), transaction.atomic():
            # A copy: a listener that mutates its payload cannot affect the next listener.
            item.fn(copy.deepcopy(event.payload), envelope)
    except Exception as exc:  # any listener failure is recorded, never raised into the caller
        record_failure(delivery, event, number, exc)
    else:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.attempts = number
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(
            update_fields=[
                "status",
                "attempts",
                "delivered_at",
                "next_attempt_at",
                "last_error",
                "updated_at",
            ]
        )
    return DeliveryStatus(delivery.status)


def record_failure(delivery: OutboxDelivery, event: OutboxEvent, number: int, exc: BaseException) -> None:
    dead = number >= outbox_settings.max_attempts()
    delivery.attempts = number
    delivery.last_error = error_summary(exc)
    delivery.status = DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED
    delivery.next_attempt_at = None if dead else timezone.now() + retry_delay(number)
    delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "updated_at"])
    logger.warning(
        "listener %s failed on %s #%s (attempt %s, %s)",
        delivery.listener,
        event.name,
        event.pk,
        number,
        "giving up" if dead else f"next at {delivery.next_attempt_at:%Y-%m-%d %H:%M:%S}",
        exc_info=exc,
    )
