"""Publishing the public event a transition declares (``transition_options(event=...)``).

The payload comes from the caller (``perform_transition(..., event_payload=fn)``) or else from
the model's ``transition_event_payload(transition_name)`` method; it must match the event's
catalogue entry, which ``publish`` checks before writing. The event is written to the outbox in
the transition's transaction, so it exists exactly when the state change does.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from nexus.core.events import publish

from .declarations import TransitionSpec

PAYLOAD_METHOD = "transition_event_payload"


def publish_transition_event(
    spec: TransitionSpec,
    instance: models.Model,
    *,
    tenant_id: int | None,
    build: Callable[[Any], Mapping[str, Any]] | None = None,
) -> None:
    """Write ``spec``'s declared event for ``instance`` (already transitioned) to the outbox."""
    if build is not None:
        payload = build(instance)
    else:
        method = getattr(instance, PAYLOAD_METHOD, None)
        if method is None:
            raise ImproperlyConfigured(
                f"{instance._meta.label}.{spec.name} publishes {spec.event!r}: define "
                f"{PAYLOAD_METHOD}(transition_name) on the model or pass event_payload"
            )
        payload = method(spec.name)
    publish(spec.event, payload, tenant_id=tenant_id)
