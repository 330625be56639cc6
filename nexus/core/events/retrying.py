"""Operator-initiated retries ("Retry now" in the admin)."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from nexus.core.models import DeliveryStatus, OutboxDelivery

from .publishing import enqueue_delivery


def retry_now(delivery_ids: Iterable[int]) -> int:
    """Make the given undelivered deliveries due now and dispatch their events after commit.

    A dead delivery gets one more attempt (it is dead again if that fails too); delivered
    ones are left alone. Returns how many were reset. Visible rows only: a tenant's staff
    reach their tenant's deliveries, the system context reaches all.
    """
    now = timezone.now()
    with transaction.atomic():
        deliveries = list(
            OutboxDelivery.objects.filter(pk__in=list(delivery_ids))
            .exclude(status=DeliveryStatus.DELIVERED)
            .order_by("pk")
            .select_for_update()
        )
        events: dict[int, int | None] = {}
        for delivery in deliveries:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now
            delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
            events[delivery.event_id] = delivery.tenant_id
        for event_id, tenant_id in events.items():
            transaction.on_commit(partial(enqueue_delivery, event_id, tenant_id), robust=True)
    return len(deliveries)
