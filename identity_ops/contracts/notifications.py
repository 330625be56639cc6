"""What the identity flows need from the notifications: emails and in-app messages, after commit.

Implemented in ``adapters/identity_notifications.py``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

EMAIL = "email"
IN_APP = "in_app"


@dataclass(frozen=True)
class Message:
    """One notification to one person: a template under ``templates/notifications/`` and its context.

    The context is stored in clear: it may hold a link for the person, never a password.
    """

    recipient_id: int
    template: str
    context: Mapping[str, Any]
    tenant_id: int | None = None
    channels: Sequence[str] = field(default=(EMAIL, IN_APP))


class Notifier(Protocol):
    def send(self, messages: Sequence[Message]) -> list[int]:
        """Ask for the messages in the caller's transaction (delivered after commit); their row ids."""
