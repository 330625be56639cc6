"""Chaining committed audit events: sequence, previous hash and hash, per chain.

There is one chain per tenant and one global chain for events without a tenant. Events are
inserted unsealed inside business transactions, so nothing in the business path contends for
a chain; the sealer later takes each chain's lock and seals, in id order, the events that are
committed *now*. An event that commits after a later-id event was already sealed simply gets the
next sequence number: the chain's order is its ``sequence``, not the id, so late commits never
leave a gap or fork it.

Locking: PostgreSQL takes a transaction-level advisory lock per chain with
``pg_try_advisory_xact_lock``. A sealer that finds the chain locked skips it rather than
queueing: another sealer is already doing exactly this work, and whatever it does not reach is
picked up by the next run a few seconds later, so blocking would only pile up workers. SQLite
serialises writers with its IMMEDIATE transactions, which is lock enough. The unique
(tenant, sequence) constraints make a fork impossible even if the lock were bypassed.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from nexus.core.models import AuditEvent
from nexus.core.scope import system_context

from .canonical import GENESIS_HASH, compute_hash

logger = logging.getLogger(__name__)

# The scope reasons of the audit chain's own periodic jobs (not recorded as audit events).
SEALER_REASON = "audit sealer"
SEAL_LAG_REASON = "audit seal lag"
SEAL_BATCH_SIZE = 500
SEAL_COLUMNS = ("sequence", "prev_hash", "hash", "sealed_at")

Chain = int | None  # a tenant id, or None for the global chain


@dataclass
class SealReport:
    """What one sealer run did: events sealed per chain, and chains another sealer held."""

    sealed: dict[Chain, int] = field(default_factory=dict)
    busy: list[Chain] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sealed.values())


def chain_lock_key(chain: Chain) -> int:
    """A stable signed 64-bit advisory-lock key for a chain."""
    digest = hashlib.sha256(f"nexus.audit.chain:{chain if chain is not None else 'global'}".encode())
    return int.from_bytes(digest.digest()[:8], "big", signed=True)


def _try_lock_chain(chain: Chain) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [chain_lock_key(chain)])
        row = cursor.fetchone()
    return bool(row and row[0])


def _seal_batch(chain: Chain, limit: int) -> int | None:
    """Seal up to ``limit`` committed events of one chain; None when the chain is locked."""
    with transaction.atomic():
        if not _try_lock_chain(chain):
            return None
        in_chain = AuditEvent.objects.filter(tenant_id=chain)
        last = (
            in_chain.filter(sequence__isnull=False).order_by("-sequence").values("sequence", "hash").first()
        )
        sequence, prev_hash = (last["sequence"], last["hash"]) if last else (0, GENESIS_HASH)
        pending = list(in_chain.filter(sealed_at__isnull=True).order_by("id")[:limit])
        sealed_at = timezone.now()
        for event in pending:
            sequence += 1
            event.sequence, event.prev_hash, event.sealed_at = sequence, prev_hash, sealed_at
            event.hash = prev_hash = compute_hash(event)
        _store_seals(pending)
        return len(pending)


def _store_seals(events: list[AuditEvent]) -> None:
    """Write the sealed events' hash columns, one parameterised UPDATE executed per row.

    ``bulk_update`` would build a CASE expression per column over the whole batch, whose
    compilation in Python costs far more than the statements themselves.
    """
    if not events:
        return
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a look-up per use
    opts = AuditEvent._meta
    quote = db.ops.quote_name
    fields = [field for field in opts.concrete_fields if field.name in SEAL_COLUMNS]
    key = next(field for field in opts.concrete_fields if field.primary_key)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Identifiers from the model's options, quoted; every value is a parameter.
    sql = f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote(key.column)} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_value(getattr(event, field.attname), db) for field in fields] + [event.pk]
        for event in events
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, rows)


def chains_with_unsealed_events() -> list[Chain]:
    """The chains that have committed, unsealed events (call in the system context)."""
    # ``order_by()`` drops the model's ordering, which DISTINCT would otherwise include.
    unsealed = AuditEvent.objects.filter(sealed_at__isnull=True).order_by()
    chains = unsealed.values_list("tenant_id", flat=True).distinct()
    return sorted(set(chains), key=lambda chain: (chain is not None, chain or 0))


def seal_chains(chains: Iterable[Chain] | None = None, *, batch_size: int = SEAL_BATCH_SIZE) -> SealReport:
    """Seal every committed, unsealed event of ``chains`` (default: every chain that has some).

    Each batch is its own short transaction under the chain's lock, so a long backlog never
    holds a lock for long and one chain never waits for another.
    """
    report = SealReport()
    with system_context(SEALER_REASON):
        for chain in chains_with_unsealed_events() if chains is None else chains:
            while True:
                sealed = _seal_batch(chain, batch_size)
                if sealed is None:
                    report.busy.append(chain)
                    break
                if sealed:
                    report.sealed[chain] = report.sealed.get(chain, 0) + sealed
                if sealed < batch_size:
                    break
    if report.total or report.busy:
        logger.info("audit sealer: sealed %d event(s); chains busy elsewhere: %s", report.total, report.busy)
    return report


@dataclass(frozen=True)
class SealLag:
    """How far the sealer is behind: the unsealed events and the age of the oldest."""

    unsealed: int
    oldest_unsealed_at: dt.datetime | None

    @property
    def seconds(self) -> float:
        """Age of the oldest committed, unsealed event in seconds (0 when all are sealed)."""
        if self.oldest_unsealed_at is None:
            return 0.0
        return max(0.0, (timezone.now() - self.oldest_unsealed_at).total_seconds())

    def as_dict(self) -> dict[str, object]:
        return {
            "unsealed": self.unsealed,
            "oldest_unsealed_at": self.oldest_unsealed_at.isoformat() if self.oldest_unsealed_at else None,
            "lag_seconds": round(self.seconds, 3),
        }


def seal_lag(chains: Iterable[Chain] | None = None) -> SealLag:
    """Report the seal lag of ``chains`` (default: all of them) for the admin, API and probes.

    Reads across tenants in the system context, which is not recorded as an audit event: it is
    read-only, reveals only a count and a time, and probes call it every few seconds.
    """
    with system_context(SEAL_LAG_REASON):
        unsealed = AuditEvent.objects.filter(sealed_at__isnull=True)
        if chains is not None:
            wanted = list(chains)
            in_chains = Q(tenant_id__in=[chain for chain in wanted if chain is not None])
            if None in wanted:
                in_chains |= Q(tenant_id__isnull=True)
            unsealed = unsealed.filter(in_chains)
        summary = unsealed.aggregate(count=Count("id"), oldest=Min("occurred_at"))
    return SealLag(unsealed=summary["count"], oldest_unsealed_at=summary["oldest"])
