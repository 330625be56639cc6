"""Per-transition handlers: how the admin and API mixins run a transition a person asked for.

The interfaces parse the request into a ``TransitionRequest`` and call the handler named for
the transition; the default runs the bare service. A domain whose transition has writes of its
own (posting a receipt creates stock moves) gives a handler that passes them to the service, so
they run under the same lock and transaction::

    def post_receipt(request: TransitionRequest) -> TransitionResult:
        return request.perform(writes=lambda receipt: create_stock_moves(receipt, request.payload))

    class GoodsReceiptAdmin(TransitionAdminMixin, admin.ModelAdmin):
        transition_handlers = {"post": post_receipt}
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .actors import Actor
from .service import EventPayload, TransitionResult, Writes, perform_transition


@dataclass(frozen=True)
class TransitionRequest:
    """A transition asked for through an interface, with its already validated input.

    ``instance`` is the row as the interface found it (unlocked, for display and routing):
    writes must use the locked instance the service hands them.
    """

    instance: models.Model
    name: str
    actor: Actor
    reason: str = ""
    idempotency_key: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)

    def perform(
        self, *, writes: Writes | None = None, event_payload: EventPayload | None = None
    ) -> TransitionResult:
        """Run the transition service for this request, with the handler's writes."""
        return perform_transition(
            self.instance,
            self.name,
            actor=self.actor,
            reason=self.reason,
            idempotency_key=self.idempotency_key,
            payload=self.payload,
            writes=writes,
            event_payload=event_payload,
        )


TransitionHandler = Callable[[TransitionRequest], TransitionResult]


def perform_requested(request: TransitionRequest) -> TransitionResult:
    """The default handler: the transition and nothing else."""
    return request.perform()


def handler_for(handlers: Mapping[str, TransitionHandler], name: str) -> TransitionHandler:
    return handlers.get(name, perform_requested)
