"""Transition history of global rows (people, memberships): read where their log rows live."""

from typing import Any

from django.db.models import Model

from nexus.core.audit.recording import scope_admitting
from nexus.core.models import TransitionLog


def history_of(obj: Model, *, tenant_id: int | None, limit: int) -> list[TransitionLog]:
    """The object's latest log rows: a person's have no tenant, a membership's are its tenant's."""
    rows: Any = TransitionLog._base_manager.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    rows = rows.filter(tenant_id=tenant_id) if tenant_id is not None else rows.filter(tenant__isnull=True)
    with scope_admitting(tenant_id):
        return list(rows.order_by("-occurred_at", "-id")[:limit])
