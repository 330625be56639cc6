"""The scopes delivery runs in: the event's tenant, or the system context for platform events."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from nexus.core import scope


def bookkeeping_scope(tenant_id: int | None) -> AbstractContextManager[None]:
    """Where the event and its delivery rows are visible: the tenant, or (tenant-less) the system."""
    if tenant_id is None:
        # Rows without a tenant are visible only there (row-level security).
        return scope.system_context("outbox delivery of a platform event")
    return scope.tenant(tenant_id)


@contextmanager
def listener_scope(tenant_id: int | None) -> Iterator[None]:
    """Run a listener as the event's tenant, or with no tenant for a platform-wide event."""
    token = scope.activate(scope.Scope(tenant_id=tenant_id))
    try:
        yield
    finally:
        scope.restore(token)
