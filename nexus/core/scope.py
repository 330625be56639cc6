"""The current tenant (or the explicit system context) for this thread or task.

The scope lives in a context variable. Every change is mirrored to the database session
(``app.tenant_id`` / ``app.system``), which the row-level-security policies read on PostgreSQL;
a connection opened later gets the current scope through ``connection_created``. Code outside a
request names its tenant with ``tenant(t)``; the few jobs that truly cross tenants enter
``system_context(reason)``, and each entry is recorded.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from .errors import TenantRequired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None = None
    system: bool = False
    reason: str = ""


NO_SCOPE = Scope()
_scope: ContextVar[Scope] = ContextVar("nexus_scope", default=NO_SCOPE)

# Called with the reason on each entry into the system context (the audit chain registers one).
system_entry_recorders: list[Callable[[str], None]] = []


def current_scope() -> Scope:
    return _scope.get()


def current_tenant_id() -> int | None:
    """The selected tenant's id, or None (no tenant, or the system context without one)."""
    return _scope.get().tenant_id


def require_tenant_id() -> int:
    """The selected tenant's id; raise ``TenantRequired`` when none is selected."""
    tenant_id = _scope.get().tenant_id
    if tenant_id is None:
        raise TenantRequired()
    return tenant_id


def in_system_context() -> bool:
    return _scope.get().system


def _tenant_pk(tenant: Any) -> int | None:
    if tenant is None:
        return None
    pk = getattr(tenant, "pk", tenant)
    if not isinstance(pk, int):
        raise TypeError(f"a tenant or its integer id is required, not {tenant!r}")
    return pk


def _apply(connection: BaseDatabaseWrapper, scope: Scope) -> None:
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block and connection.needs_rollback:
        # The transaction already failed: any statement would raise and hide the original
        # error. Settings changed inside it are undone by its rollback anyway.
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, false), set_config('app.system', %s, false)",
                ["" if scope.tenant_id is None else str(scope.tenant_id), "on" if scope.system else ""],
            )
    except DatabaseError:
        if connection.in_atomic_block:
            # An aborted transaction (the error is still propagating): same reasoning as above.
            logger.debug("scope not mirrored to an aborted transaction; its rollback restores it")
            return
        if connection.is_usable():
            raise
        # The connection was lost (terminated, network), perhaps right after a commit whose
        # answer is ready: close it rather than fail the request. A lost session keeps no
        # settings, and the next connection gets the scope through ``connection_created``.
        logger.warning("database connection lost while setting the scope; closing it")
        connection.close()


def _sync_database(scope: Scope) -> None:
    # Only connections already open: one opened later is set by ``connection_created``.
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _apply(connection, scope)


def _on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    _apply(connection, _scope.get())


connection_created.connect(_on_connection_created, dispatch_uid="nexus.core.scope")


def activate(scope: Scope) -> Token[Scope]:
    """Make ``scope`` current; return the token that ``restore`` takes back."""
    token = _scope.set(scope)
    _sync_database(scope)
    return token


def restore(token: Token[Scope]) -> None:
    _scope.reset(token)
    _sync_database(_scope.get())


def reset_scope() -> None:
    """Clear the scope entirely (end of a request or task: connections are reused)."""
    _scope.set(NO_SCOPE)
    _sync_database(NO_SCOPE)


@contextmanager
def tenant(tenant: Any) -> Iterator[None]:
    """Run the block for one tenant (an instance or its id)."""
    token = activate(Scope(tenant_id=_tenant_pk(tenant)))
    try:
        yield
    finally:
        restore(token)


@contextmanager
def system_context(reason: str, *, record: bool = True) -> Iterator[None]:
    """Run the block across tenants. Only the jobs listed in docs/kernel.md may use this.

    The entry is logged, and recorded as an audit event (once the audit chain registers its
    recorder) unless ``record`` is false: reads that operators do routinely (opening a record
    screen) are not decisions and would bury the chain. A tenant already selected stays
    selected for writes that need one.
    """
    if not reason.strip():
        raise ValueError("system_context needs a reason")
    logger.info("entering system context: %s", reason)
    token = activate(Scope(tenant_id=current_tenant_id(), system=True, reason=reason))
    try:
        if record:
            for recorder in system_entry_recorders:
                recorder(reason)
        yield
    finally:
        restore(token)


@contextmanager
def admitting(tenant_id: int | None, *, reason: str) -> Iterator[None]:
    """Let row-level security admit writing and reading back a row of ``tenant_id`` (PostgreSQL).

    An insert returns the new id, so the row must also be visible under the table's read
    policy: a tenant's row in that tenant's scope, a tenant-less row only in the system context.
    The scope is widened for the block only and the widening is not recorded: it serves the
    kernel's own bookkeeping rows (audit events, transition logs, outbox rows) of a row whose
    tenant is not the current one, never a read of business data.
    """
    current = current_scope()
    if current.system or (tenant_id is not None and tenant_id == current.tenant_id):
        yield
        return
    if tenant_id is None:
        widened = Scope(tenant_id=current.tenant_id, system=True, reason=reason)
    else:
        widened = Scope(tenant_id=tenant_id)
    token = activate(widened)
    try:
        # A savepoint, so that a failed statement is rolled back before the scope is restored
        # (restoring runs SQL, which an aborted transaction would refuse).
        with transaction.atomic():
            yield
    finally:
        restore(token)
