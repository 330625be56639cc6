"""The outbox's retention: delivered deliveries, then events left with none, after N days."""

from django.db.models import Exists, OuterRef, QuerySet

from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent
from nexus.core.retention import register_purge_rule

RETENTION_SETTING = "OUTBOX_RETENTION_DAYS"


def delivered_deliveries() -> QuerySet[OutboxDelivery]:
    return OutboxDelivery.objects.filter(status=DeliveryStatus.DELIVERED)


def dispatched_events_without_deliveries() -> QuerySet[OutboxEvent]:
    """Events handed out whose deliveries are all gone (purged as delivered, or never needed).

    Failed and dead deliveries are never purged, so an event with one stays, for the record.
    Historical events (imports, demo history) are kept: they are the record of the past.
    """
    return OutboxEvent.objects.filter(historical=False, enqueued_at__isnull=False).exclude(
        Exists(OutboxDelivery.objects.filter(event=OuterRef("pk")))
    )


def register_outbox_purge_rules() -> None:
    # Deliveries first: an event cannot go while a delivery still refers to it.
    register_purge_rule(
        "core.outbox_deliveries", delivered_deliveries, older_than=RETENTION_SETTING, field="delivered_at"
    )
    register_purge_rule(
        "core.outbox_events",
        dispatched_events_without_deliveries,
        older_than=RETENTION_SETTING,
        field="occurred_at",
    )
