"""Idempotency keys: the same request twice returns the first result; a different one is refused.

The key is looked up after the row lock is taken, so two concurrent requests with one key
cannot both miss the earlier log row; the unique constraint on (object, key) backs this up.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from nexus.core.models import TransitionLog

MAX_KEY_LENGTH = TransitionLog._meta.get_field("idempotency_key").max_length or 128


class _PayloadEncoder(DjangoJSONEncoder):
    """JSON for validated input: decimals, dates and UUIDs as text, rows by primary key."""

    def default(self, o: Any) -> Any:
        if isinstance(o, models.Model):
            return [o._meta.label_lower, o.pk]
        return super().default(o)


def request_hash(transition: str, reason: str, payload: Mapping[str, Any] | None) -> str:
    """SHA-256 over what makes two requests "the same": the transition, reason and payload."""
    document = {"transition": transition, "reason": reason, "payload": dict(payload or {})}
    encoded = json.dumps(document, sort_keys=True, separators=(",", ":"), cls=_PayloadEncoder)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def earlier_transition(
    *, tenant_id: int | None, object_type: str, object_id: str, key: str
) -> TransitionLog | None:
    """The log row an earlier request with ``key`` wrote for this object, if any.

    Filters by the object's tenant explicitly (the default manager would demand a selected
    tenant even for objects outside any tenant, whose log rows carry none).
    """
    rows = TransitionLog._base_manager.filter(
        object_type=object_type, object_id=object_id, idempotency_key=key
    )
    rows = rows.filter(tenant_id=tenant_id) if tenant_id is not None else rows.filter(tenant__isnull=True)
    return rows.first()
