"""Kernel admin screens; each module registers its own, and places them in the sidebar here."""

from nexus.core.models import (
    AuditEvent,
    DeliveryStatus,
    ExchangeRate,
    OutboxDelivery,
    OutboxEvent,
    TransitionLog,
)

from . import (
    audit,  # noqa: F401  (registers the audit-event screens)
    exchange_rates,  # noqa: F401  (registers the exchange-rate screen)
    outbox,  # noqa: F401  (registers the outbox screens)
    transitions,  # noqa: F401  (registers the transition log; the mixin for models)
)
from .navigation import Group, register_screen
from .operators import is_platform_operator, operator_scope
from .outbox import may_retry_deliveries
from .queues import register_queue

register_screen(Group.PURCHASING, model=ExchangeRate, icon="currency_exchange", order=90)
register_screen(Group.SYSTEM, model=TransitionLog, icon="timeline", order=10)
register_screen(Group.SYSTEM, model=AuditEvent, icon="verified_user", order=20)
register_screen(Group.SYSTEM, model=OutboxEvent, icon="outbox", order=30)
register_screen(Group.SYSTEM, model=OutboxDelivery, icon="send", order=40)

register_queue(
    "core.failing_deliveries",
    title="Event deliveries failing",
    description="Listeners that failed and wait for the sweeper, or gave up.",
    group=Group.SYSTEM,
    permission=may_retry_deliveries,
    queryset=lambda request: OutboxDelivery.objects.filter(
        status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD]
    ),
    changelist="admin:core_outboxdelivery_changelist",
    filters={"status__in": f"{DeliveryStatus.FAILED},{DeliveryStatus.DEAD}"},
    needs_tenant=False,
    scope=lambda request: operator_scope(request, "dashboard: event deliveries"),
    order=10,
)
register_queue(
    "core.unsealed_audit_events",
    title="Audit events waiting for the sealer",
    description="Sealed within seconds normally: a growing number means the sealer is not running.",
    group=Group.SYSTEM,
    permission=is_platform_operator,
    queryset=lambda request: AuditEvent.objects.filter(sealed_at__isnull=True),
    changelist="admin:core_auditevent_changelist",
    filters={"sealed": "no"},
    needs_tenant=False,
    scope=lambda request: operator_scope(request, "dashboard: audit seal"),
    order=20,
)
