"""What a listener receives besides the payload: the event's identity and its delivery."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class EventEnvelope:
    event_id: int
    name: str
    schema_version: int
    tenant_id: int | None
    occurred_at: datetime
    request_id: str
    listener: str
    # 1 on the first delivery; a listener may use it to log or to give up gracefully.
    attempt: int
