"""Domain events through a transactional outbox (docs/kernel.md, "Events, the outbox and listeners").

Publish in the transaction that makes the change; listeners run after commit, each at most once
in effect, and failures are retried by the sweeper::

    from nexus.core.events import listener, publish

    publish("sales.order_confirmed", {"order_id": order.pk, ...})

    @listener("sales.order_confirmed")
    def reserve_dropship_lines(payload: dict, event: EventEnvelope) -> None: ...
"""

from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent

from .catalogue import CATALOGUE, EventPayloadError, EventSpec, UnknownEvent, spec_for
from .envelope import EventEnvelope
from .publishing import publish, publish_many
from .registry import ListenerConflict, listener, listeners_for, register_listener

__all__ = [
    "CATALOGUE",
    "DeliveryStatus",
    "EventEnvelope",
    "EventPayloadError",
    "EventSpec",
    "ListenerConflict",
    "OutboxDelivery",
    "OutboxEvent",
    "UnknownEvent",
    "listener",
    "listeners_for",
    "publish",
    "publish_many",
    "register_listener",
    "spec_for",
]
