"""Recording transitions that happened before they were loaded (demo history, imports), set-based.

Loaded documents arrive in their final state; their transition log and audit events say how
they got there. ``record_past_transitions`` writes both the way ``perform_transition`` does —
the same log columns, the same audit action and data — in a few bulk inserts instead of one
locked transaction per step, so a year of documents loads in seconds. Each step must be an
edge the model declares (from its source state to its target), so the history can only tell a
story the workflow allows. The audit events are inserted unsealed, in time order; the sealer
chains them like any other.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

from nexus.core.audit.recording import scope_admitting
from nexus.core.models import AuditEvent, TransitionLog
from nexus.core.models.refs import ActorRef

from .declarations import TransitionSpec, transition_spec

BATCH_SIZE = 2000


@dataclass(frozen=True)
class PastTransition:
    """One step a record took: ``name`` from ``from_state`` to ``to_state`` at ``occurred_at``."""

    instance: models.Model
    name: str
    from_state: str
    to_state: str
    occurred_at: dt.datetime
    reason: str = ""


def audit_action(object_type: str, name: str) -> str:
    """The audit action of a transition: ``<app_label>.<model>.<transition>``."""
    return f"{object_type}.{name}"


def audit_data(log: TransitionLog) -> dict[str, Any]:
    """What a transition's audit event records of it."""
    return {
        "transition_log_id": log.pk,
        "from_state": log.from_state,
        "to_state": log.to_state,
        "reason": log.reason,
        "idempotency_key": log.idempotency_key,
    }


def record_past_transitions(
    steps: Iterable[PastTransition], *, actor: ActorRef, tenant_id: int | None
) -> list[TransitionLog]:
    """Insert the log row and the (unsealed) audit event of each step, in time order.

    Raises ``ValueError`` for a step the model does not declare (unknown transition, wrong
    source or target state, missing required reason); nothing is written then.
    """
    ordered = sorted(steps, key=lambda step: step.occurred_at)  # stable: same-time steps keep order
    specs: dict[tuple[type[models.Model], str], TransitionSpec] = {}
    for step in ordered:
        key = (type(step.instance), step.name)
        spec = specs.get(key) or specs.setdefault(key, transition_spec(*key))
        _check_step(spec, step)
    logs = [
        TransitionLog(
            tenant_id=tenant_id,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label[:255],
            object_type=step.instance._meta.label_lower,
            object_id=str(step.instance.pk),
            transition=step.name,
            from_state=step.from_state,
            to_state=step.to_state,
            reason=step.reason,
            occurred_at=step.occurred_at,
        )
        for step in ordered
    ]
    actor_columns = {"actor_kind": actor.kind, "actor_id": actor.id, "actor_label": actor.label[:255]}
    with scope_admitting(tenant_id):
        TransitionLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
        _insert_rows(
            AuditEvent,
            [
                {
                    "tenant_id": tenant_id,
                    **actor_columns,
                    "action": audit_action(log.object_type, log.transition),
                    "object_type": log.object_type,
                    "object_id": log.object_id,
                    "object_label": str(step.instance)[:255],
                    "data": audit_data(log),
                    "occurred_at": log.occurred_at,
                }
                for step, log in zip(ordered, logs, strict=True)
            ],
        )
    return logs


def _insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (attribute name to value; a field not named gets its default), keys unreturned.

    One parameterised INSERT executed per row, with no model instances: for rows whose keys
    nobody needs back this is several times cheaper than ``bulk_create``, whose instances and
    per-value SQL compilation dominate a large insert.
    """
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    quote = db.ops.quote_name
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers from the model's options, quoted; every value is a parameter.
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    values = [
        [field.get_db_prep_save(row.get(field.attname, defaults[field.attname]), db) for field in fields]
        for row in rows
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, values)


def _check_step(spec: TransitionSpec, step: PastTransition) -> None:
    edge = spec.edge_from(step.from_state)
    where = f"{spec.model._meta.label}.{spec.name} of {step.instance.pk}"
    if edge is None:
        raise ValueError(f"{where}: cannot start in state {str(step.from_state)!r}")
    if str(edge.target) != step.to_state:
        raise ValueError(f"{where}: leads to {str(edge.target)!r}, not {str(step.to_state)!r}")
    if spec.requires_reason and not step.reason:
        raise ValueError(f"{where}: needs a reason")
