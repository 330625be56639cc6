"""Human-readable document numbers per tenant, document type and year: ``RMA-2026-000042``.

Numbers are unique under concurrency; they are **gap-free** only for the document types that
ask for it (fiscal documents, typically), because gap-free numbering serialises creation:

- Gap-free (``gap_free=True`` or a type registered with ``require_gap_free``): the counter row is
  incremented in the caller's transaction, so its row lock is held until that transaction ends.
  A rollback gives the number back; the next document of that type in that tenant waits.
- Default: the number is allocated without holding the counter for the caller's transaction.
  On PostgreSQL inside a transaction, a short transaction on the allocator's own connection
  (a second connection to the default database under the alias ``sequences``: one per thread,
  opened once and reused)
  increments and commits at once; a rollback of the caller then leaves a gap, and nobody waits
  for the caller. Outside a transaction the increment commits by itself on the caller's
  connection.
  On SQLite a second connection cannot help: a write transaction locks the whole database, so
  the helper would wait for the very transaction it is serving. There the increment runs in the
  caller's transaction, which costs nothing extra, since SQLite already serialises writers.

Both paths are one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement on the unique
(tenant, type, year) row, so two allocators can never read the same value.

A document type must always be numbered the same way: mixing the two on one counter could make
the helper wait for a lock its own caller holds (it gives up after ``LOCK_TIMEOUT``).
"""

import re
import threading

from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.core.tenants import tenant_model

DOC_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
NUMBER_DIGITS = 6
LOCK_TIMEOUT = "5s"
#: The alias of the allocator's own connection to the default database.
ALLOCATOR_ALIAS = "sequences"

# One statement: create the counter at 1 or increment it, and say the value (both databases).
INCREMENT_SQL = (
    "INSERT INTO core_sequencecounter (tenant_id, doc_type, year, last_value) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (tenant_id, doc_type, year) "
    "DO UPDATE SET last_value = core_sequencecounter.last_value + 1 RETURNING last_value"
)

# Document types whose numbers must have no gaps (registered by their app's ``ready()``).
GAP_FREE_DOC_TYPES: set[str] = set()


def require_gap_free(*doc_types: str) -> None:
    """Number these document types without gaps (e.g. ``require_gap_free("INV", "CN")``)."""
    for doc_type in doc_types:
        _check_doc_type(doc_type)
    GAP_FREE_DOC_TYPES.update(doc_types)


def format_number(doc_type: str, year: int, value: int) -> str:
    """``RMA-2026-000042``: type, year, and the value zero-padded to six digits (more if needed)."""
    return f"{doc_type}-{year}-{value:0{NUMBER_DIGITS}d}"


def _check_doc_type(doc_type: str) -> None:
    if not DOC_TYPE.match(doc_type):
        raise InvalidInput(
            f"{doc_type!r} is not a document type: use 1 to 32 capital letters, digits or "
            "underscores, starting with a letter (e.g. RMA).",
            fields={"doc_type": ["Use capital letters, digits or underscores, e.g. RMA."]},
        )


def _increment(tenant_id: int, doc_type: str, year: int) -> int:
    """Increment the counter on this thread's connection, creating it at 1; return the value."""
    with connection.cursor() as cursor:
        cursor.execute(INCREMENT_SQL, [tenant_id, doc_type, year])
        row = cursor.fetchone()
    return int(row[0])


def _increment_in_scope(tenant_id: int, doc_type: str, year: int) -> int:
    """Increment with the scope naming the counter's tenant (row-level security checks it)."""
    current = scope.current_scope()
    if current.system or current.tenant_id == tenant_id:
        return _increment(tenant_id, doc_type, year)
    with scope.tenant(tenant_id):
        return _increment(tenant_id, doc_type, year)


def _tenant_table() -> str:
    return str(tenant_model()._meta.db_table)


_allocator = threading.local()


def _allocator_connection() -> BaseDatabaseWrapper:
    """This thread's allocator connection, opened on first use and reused while it is healthy.

    It uses the default database's settings but stays outside Django's connection handler, so
    no request's transaction ever runs on it and no request's clean-up closes it.
    """
    wrapper: BaseDatabaseWrapper | None = getattr(_allocator, "connection", None)
    if wrapper is not None:
        wrapper.close_if_unusable_or_obsolete()
    else:
        settings_dict = connections.settings[DEFAULT_DB_ALIAS]
        wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALLOCATOR_ALIAS)
        _allocator.connection = wrapper
    return wrapper


def _allocate_committed(wrapper: BaseDatabaseWrapper, tenant_id: int, doc_type: str, year: int) -> int | None:
    tenant_exists = f"SELECT 1 FROM {wrapper.ops.quote_name(_tenant_table())} WHERE id = %s"  # noqa: S608
    with wrapper.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            # Local settings: they end with this short transaction, whatever the scope was.
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, true), set_config('lock_timeout', %s, true)",
                [str(tenant_id), LOCK_TIMEOUT],
            )
            cursor.execute(tenant_exists, [tenant_id])
            value = None
            if cursor.fetchone() is not None:
                cursor.execute(INCREMENT_SQL, [tenant_id, doc_type, year])
                value = int(cursor.fetchone()[0])
            cursor.execute("COMMIT")
        except BaseException:
            if wrapper.is_usable():
                cursor.execute("ROLLBACK")
            raise
    return value


def _increment_on_own_connection(tenant_id: int, doc_type: str, year: int) -> int | None:
    """Increment and commit in a short transaction on the allocator's connection (PostgreSQL).

    None when that connection cannot see the tenant: it was created in the caller's own
    transaction, not committed yet. A connection found broken is replaced once.
    """
    try:
        return _allocate_committed(_allocator_connection(), tenant_id, doc_type, year)
    except (OperationalError, InterfaceError):
        _allocator.connection.close()
        del _allocator.connection
        return _allocate_committed(_allocator_connection(), tenant_id, doc_type, year)


def next_number(
    doc_type: str, *, tenant_id: int | None = None, year: int | None = None, gap_free: bool = False
) -> str:
    """Allocate the next number of ``doc_type`` for the tenant (default: current) and year.

    ``year`` defaults to the current year in the active time zone. Gap-free numbering (asked
    here or registered for the type) must run inside the transaction that creates the
    document. Raises ``InvalidInput`` for a malformed type, ``TenantRequired`` with no tenant.
    """
    _check_doc_type(doc_type)
    tenant = tenant_id if tenant_id is not None else scope.require_tenant_id()
    year = year if year is not None else timezone.localdate().year
    if not 1 <= year <= 9999:
        raise InvalidInput(f"{year} is not a year.", fields={"year": ["Use a year from 1 to 9999."]})
    in_transaction = connection.in_atomic_block
    if gap_free or doc_type in GAP_FREE_DOC_TYPES:
        if not in_transaction:
            raise transaction.TransactionManagementError(
                f"Gap-free {doc_type} numbers must be taken inside the transaction that creates the "
                "document, so that a rollback gives the number back."
            )
        value = _increment_in_scope(tenant, doc_type, year)
    elif in_transaction and connection.vendor == "postgresql":
        allocated = _increment_on_own_connection(tenant, doc_type, year)
        # None: the tenant was created in the caller's uncommitted transaction. No other
        # transaction can number its documents before that commits, so numbering in the
        # caller's transaction serialises nothing.
        value = allocated if allocated is not None else _increment_in_scope(tenant, doc_type, year)
    else:
        value = _increment_in_scope(tenant, doc_type, year)
    return format_number(doc_type, year, value)
