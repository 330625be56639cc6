"""The audit chain's canonical forms: plain JSON data, and the bytes each hash covers.

An event's data is normalised to plain JSON when it is recorded, so that what the database
stores is what the sealer and the verifier hash. The hash covers a sorted-key JSON document of
the chain fields, chosen by the event's ``hash_version``: version 1 (events sealed before
erasure could clear labels) covers the actor's and object's labels; version 2 covers only kinds
and ids, leaving the labels with ``personal`` in the erasable part. ``personal`` is never hashed.
"""

import datetime as dt
import hashlib
import json
from typing import Any

from nexus.core.models import AuditEvent
from nexus.core.models.audit import CURRENT_HASH_VERSION, LEGACY_HASH_VERSION

# ``prev_hash`` of the first event of every chain.
GENESIS_HASH = "0" * 64


def format_timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with microseconds, the same whatever the database returned."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


class UnknownHashVersion(ValueError):
    """An event claims a canonical form this code does not know."""


def canonical_document(event: AuditEvent) -> dict[str, Any]:
    """The fields an event's hash covers under its version, as plain JSON (never ``personal``)."""
    if event.hash_version == LEGACY_HASH_VERSION:
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
    if event.hash_version == CURRENT_HASH_VERSION:
        return {
            "version": CURRENT_HASH_VERSION,
            "tenant": event.tenant_id,
            "sequence": event.sequence,
            "prev_hash": event.prev_hash,
            "occurred_at": format_timestamp(event.occurred_at),
            "actor": {"kind": event.actor_kind, "id": event.actor_id},
            "action": event.action,
            "object": {"type": event.object_type, "id": event.object_id},
            "data": event.data,
            "request_id": event.request_id,
        }
    raise UnknownHashVersion(f"audit event {event.pk} has the unknown hash version {event.hash_version}")


def canonical_bytes(event: AuditEvent) -> bytes:
    """The exact bytes hashed for ``event``: compact, sorted-key, UTF-8 JSON."""
    return json.dumps(
        canonical_document(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def compute_hash(event: AuditEvent) -> str:
    """SHA-256 (hex) of the event's canonical bytes, which include its ``prev_hash``."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()
