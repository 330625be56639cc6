"""The kernel's models."""

from .audit import AuditEvent
from .base import TenantOptionalModel, TenantScopedModel, TenantScopedQuerySet
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
    "ObjectRef",
    "OutboxDelivery",
    "OutboxEvent",
    "SequenceCounter",
    "TenantOptionalModel",
    "TenantScopedModel",
    "TenantScopedQuerySet",
    "TransitionLog",
    "VersionedWorkflowModel",
    "WorkflowModel",
]
