"""Delivery of requested notifications, after the requesting transaction commits."""

from typing import Any

from nexus.core.events import EventEnvelope, listener

from .services import NOTIFICATION_REQUESTED, deliver_notifications


@listener(NOTIFICATION_REQUESTED, name="notifications.deliver")
def deliver_requested_notifications(payload: dict[str, Any], event: EventEnvelope) -> None:
    """Render and send the event's notifications; each failure is recorded on its own row."""
    deliver_notifications(payload["notification_ids"])
