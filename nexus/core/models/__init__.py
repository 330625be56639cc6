"""The kernel's models."""

from .audit import AuditEvent
from .base import TenantOptionalModel, TenantScopedModel, TenantScopedQuerySet
from .counters import WindowCounter
from .exchange_rates import ExchangeRate
from .idempotency import IdempotencyRecord
from .money import Currency
from .outbox import DeliveryStatus, OutboxDelivery, OutboxEvent
from .refs import ActorKind, ActorRef, ObjectRef
from .sequences import SequenceCounter
from .transitions import TransitionLog
from .workflow import VersionedWorkflowModel, WorkflowModel

__all__ = [
    "ActorKind",
    "ActorRef",
    "AuditEvent",
    "Currency",
    "DeliveryStatus",
    "ExchangeRate",
    "IdempotencyRecord",
    "ObjectRef",
    "OutboxDelivery",
    "OutboxEvent",
    "SequenceCounter",
    "TenantOptionalModel",
    "TenantScopedModel",
    "TenantScopedQuerySet",
    "TransitionLog",
    "VersionedWorkflowModel",
    "WindowCounter",
    "WorkflowModel",
]
