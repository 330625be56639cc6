"""Appending events to the audit chain, inside the caller's transaction."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from nexus.core import scope
from nexus.core.json_values import to_json_value
from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.request_id import current_request_id

GLOBAL_INSERT_REASON = "audit: global event"


@contextmanager
def scope_admitting(tenant_id: int | None) -> Iterator[None]:
    """Admit the kernel's own record (audit event, transition log) of ``tenant_id``'s row."""
    with scope.admitting(tenant_id, reason=GLOBAL_INSERT_REASON):
        yield


def record_event(
    action: str,
    *,
    actor: ActorRef,
    obj: ObjectRef | None = None,
    data: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    tenant_id: int | None | Literal["current"] = "current",
) -> AuditEvent:
    """Insert one unsealed audit event in the caller's transaction; the sealer chains it later.

    ``tenant_id`` defaults to the current scope's tenant (None there means the global chain);
    pass an id or None to choose explicitly. ``data`` is hashed, so it is normalised to plain
    JSON first (Decimal, dates, UUIDs become strings; floats raise ``TypeError``). ``personal``
    (email, IP, user agent) is stored outside the hash and may later be erased.
    """
    if not action:
        raise ValueError("an audit event needs an action")
    chain = scope.current_tenant_id() if tenant_id == "current" else tenant_id
    event = AuditEvent(
        tenant_id=chain,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:255],
        action=action,
        object_type=obj.type if obj else "",
        object_id=obj.id if obj else "",
        object_label=obj.label[:255] if obj else "",
        data=to_json_value(dict(data or {})),
        personal=to_json_value(dict(personal)) if personal is not None else None,
        request_id=current_request_id() or "",
    )
    with scope_admitting(chain):
        event.save(force_insert=True)
    return event
