"""Appending events to the audit chain, inside the caller's transaction."""

from collections.abc import Mapping
from typing import Any, Literal

from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.request_id import current_request_id
from nexus.core.scope import current_tenant_id

from .canonical import to_json_value


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
    return AuditEvent.objects.create(
        tenant_id=current_tenant_id() if tenant_id == "current" else tenant_id,
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
