"""The audit chain's canonical forms: plain JSON data, and the bytes each hash covers.

An event's data is normalised to plain JSON when it is recorded, so that what the database
stores is what the sealer and the verifier hash. The hash covers a sorted-key JSON document of
the chain fields (never ``personal``, which erasure may clear).
"""

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from nexus.core.models import AuditEvent

# ``prev_hash`` of the first event of every chain.
GENESIS_HASH = "0" * 64


def to_json_value(value: Any) -> Any:
    """Return ``value`` as plain JSON (dict/list/str/int/bool/None), converted deterministically.

    Decimal becomes its exact string ("12.50"), dates and times ISO 8601 (aware datetimes in
    UTC), UUIDs their hex form with dashes, enums their value, tuples and lists lists, sets
    sorted lists. Floats are refused: their stored form is not guaranteed to read back
    identically (PostgreSQL's ``jsonb`` rewrites ``1e20``), which would break the hash, and
    Nexus carries no floats anyway. Raises ``TypeError`` for anything else.
    """
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        raise TypeError(f"audit data cannot hold a float ({value!r}); pass a Decimal or a string")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"audit data cannot hold {value!r}")
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds).scaleb(-6))
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit data keys must be strings, not {key!r}")
            result[key] = to_json_value(item)
        return result
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((to_json_value(item) for item in value), key=_sort_key)
    raise TypeError(f"audit data cannot hold {type(value).__name__} ({value!r})")


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds, the same whatever the database returned."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_document(event: AuditEvent) -> dict[str, Any]:
    """The fields an event's hash covers, as plain JSON (``personal`` is deliberately absent)."""
    return {
        "tenant": event.tenant_id,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
        "occurred_at": format_timestamp(event.occurred_at),
        "actor": {"kind": event.actor_kind, "id": event.actor_id, "label": event.actor_label},
        "action": event.action,
        "object": {"type": event.object_type, "id": event.object_id, "label": event.object_label},
        "data": event.data,
        "request_id": event.request_id,
    }


def canonical_bytes(event: AuditEvent) -> bytes:
    """The exact bytes hashed for ``event``: compact, sorted-key, UTF-8 JSON."""
    return json.dumps(
        canonical_document(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def compute_hash(event: AuditEvent) -> str:
    """SHA-256 (hex) of the event's canonical bytes, which include its ``prev_hash``."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()
