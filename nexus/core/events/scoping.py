"""The scopes delivery runs in: the event's tenant, or the system context for platform events."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from nexus.core import scope

# Reasons for entering the system context, named so the audit chain can tell the outbox's
# periodic entries (every few seconds, and on every readiness probe) from deliberate ones.
SWEEPER_REASON = "outbox sweeper"
LAG_REPORT_REASON = "outbox lag report"
PLATFORM_DELIVERY_REASON = "outbox delivery of a platform event"
RECURRING_REASONS = frozenset({SWEEPER_REASON, LAG_REPORT_REASON, PLATFORM_DELIVERY_REASON})


def bookkeeping_scope(tenant_id: int | None) -> AbstractContextManager[None]:
    """Where the event and its delivery rows are visible: the tenant, or (tenant-less) the system."""
    if tenant_id is None:
        # Rows without a tenant are visible only there (row-level security).
        return scope.system_context(PLATFORM_DELIVERY_REASON)
    return scope.tenant(tenant_id)


@contextmanager
def listener_scope(tenant_id: int | None) -> Iterator[None]:
    """Run a listener as the event's tenant, or with no tenant for a platform-wide event."""
    token = scope.activate(scope.Scope(tenant_id=tenant_id))
    try:
        yield
    finally:
        scope.restore(token)
