"""Recording each entry into the system context as an audit event."""

from typing import Any

from django.db.models.signals import post_migrate, pre_migrate

from nexus.core.events.scoping import RECURRING_REASONS as OUTBOX_RECURRING_REASONS
from nexus.core.models.refs import ActorRef

from .recording import record_event
from .sealer import SEAL_LAG_REASON, SEALER_REASON

# Jobs that run every few seconds (the sealer, the outbox sweeper) and the probes that report
# their lag: recording them would bury the chain under an event per run that says nothing.
UNRECORDED_REASONS = frozenset({SEALER_REASON, SEAL_LAG_REASON, *OUTBOX_RECURRING_REASONS})

_migrating = False


def record_system_context_entry(reason: str) -> None:
    """Append ``system.context_entered`` (actor: system) for an entry into the system context.

    Not during ``migrate``: a data migration may run before the audit table has its current
    columns, and the migration history already records that it ran.
    """
    if _migrating or reason in UNRECORDED_REASONS:
        return
    record_event("system.context_entered", actor=ActorRef.system(reason), data={"reason": reason})


def _migration_started(**kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _migration_finished(**kwargs: Any) -> None:
    global _migrating
    _migrating = False


def connect_migration_signals() -> None:
    pre_migrate.connect(_migration_started, dispatch_uid="nexus.core.audit.migration_started")
    post_migrate.connect(_migration_finished, dispatch_uid="nexus.core.audit.migration_finished")
