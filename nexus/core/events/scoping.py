"""The scopes the outbox runs in: the event's tenant, or the system context where rows cross tenants.

Row-level security shows a row without a tenant only in the system context, and an insert
returns the new id, so the row must be visible to be written at all. For a platform-wide event
(no tenant) the publisher and the deliverer therefore widen the scope to the system context for
their own bookkeeping only, without recording an entry (as the audit chain does for its global
events): the listener itself runs with no tenant and no system context.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from nexus.core import scope

# Reasons for entering the system context, named so the audit chain can tell the outbox's
# periodic entries (every few seconds, and on every readiness probe) from deliberate ones.
SWEEPER_REASON = "outbox sweeper"
LAG_REPORT_REASON = "outbox lag report"
PLATFORM_EVENT_REASON = "outbox: platform event bookkeeping"
RECURRING_REASONS = frozenset({SWEEPER_REASON, LAG_REPORT_REASON})


@contextmanager
def admitting(tenant_id: int | None) -> Iterator[None]:
    """Let row-level security admit the outbox rows of ``tenant_id`` for the block."""
    with scope.admitting(tenant_id, reason=PLATFORM_EVENT_REASON):
        yield


@contextmanager
def bookkeeping_scope(tenant_id: int | None) -> Iterator[None]:
    """Where the event's own rows are visible: its tenant, or (tenant-less) the system.

    Entered outside any transaction (a task, an on-commit callback): each delivery inside is
    its own transaction, finished before the scope is left.
    """
    if tenant_id is None:
        token = scope.activate(scope.Scope(system=True, reason=PLATFORM_EVENT_REASON))
        try:
            yield
        finally:
            scope.restore(token)
    else:
        with scope.tenant(tenant_id):
            yield


@contextmanager
def listener_scope(tenant_id: int | None) -> Iterator[None]:
    """Run a listener as the event's tenant, or with no tenant for a platform-wide event."""
    token = scope.activate(scope.Scope(tenant_id=tenant_id))
    try:
        yield
    finally:
        scope.restore(token)
