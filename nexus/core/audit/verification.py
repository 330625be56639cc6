"""Recomputing the audit chains and naming the first broken link of each.

A chain is intact when its sealed events carry sequences 1..n without a gap, each event's
``prev_hash`` is the hash of the one before (the genesis value for the first), and each hash is
the SHA-256 of the event's canonical form under the event's own hash version (events sealed
before version 2 keep verifying with their labels hashed). Changing an event's content, deleting
a sealed event, or splicing the order all break one of these. Deleting the newest events of a chain leaves a
shorter chain that is still consistent, so the verifier reports each chain's head (sequence and
hash): recording it elsewhere lets an operator notice a chain that got shorter.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from nexus.core.models import AuditEvent
from nexus.core.scope import system_context

from .canonical import GENESIS_HASH, UnknownHashVersion, compute_hash
from .sealer import Chain

VERIFIER_REASON = "verify audit chain"
_CHUNK = 2000


@dataclass(frozen=True)
class BrokenLink:
    """The first place where a chain does not hold, and what differs there."""

    chain: Chain
    sequence: int | None
    event_id: int
    problem: str


@dataclass(frozen=True)
class ChainVerification:
    chain: Chain
    verified: int
    head_sequence: int
    head_hash: str
    unsealed: int
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _first_problem(event: AuditEvent, expected_sequence: int, expected_prev: str) -> str | None:
    if event.sequence != expected_sequence:
        if event.sequence is not None and event.sequence > expected_sequence:
            missing = (
                f"#{expected_sequence}"
                if event.sequence == expected_sequence + 1
                else f"#{expected_sequence}..#{event.sequence - 1}"
            )
            return f"sequence gap: expected #{expected_sequence}, found #{event.sequence} ({missing} missing)"
        return f"sequence out of order: expected #{expected_sequence}, found #{event.sequence}"
    if event.sealed_at is None:
        return "sequence and hashes are set but sealed_at is empty"
    if event.prev_hash != expected_prev:
        return (
            f"prev_hash does not match the hash of the previous event: "
            f"stored {event.prev_hash or '(empty)'}, expected {expected_prev}"
        )
    try:
        recomputed = compute_hash(event)
    except UnknownHashVersion as unknown:
        return str(unknown)
    if event.hash != recomputed:
        return (
            f"hash does not match the event's content (changed after sealing): "
            f"stored {event.hash or '(empty)'}, recomputed {recomputed}"
        )
    return None


def verify_chain(chain: Chain) -> ChainVerification:
    """Recompute one chain (call in the system context); stop at its first broken link."""
    events = AuditEvent.objects.filter(tenant_id=chain)
    # Chain columns on a row the sealer never chained can only come from tampering.
    stray = (
        events.filter(sequence__isnull=True)
        .filter(~Q(hash="") | ~Q(prev_hash="") | Q(sealed_at__isnull=False))
        .order_by("id")
        .first()
    )
    unsealed = events.filter(sequence__isnull=True).count()
    expected_sequence, expected_prev, verified = 1, GENESIS_HASH, 0
    broken: BrokenLink | None = None
    for event in events.filter(sequence__isnull=False).order_by("sequence").iterator(chunk_size=_CHUNK):
        problem = _first_problem(event, expected_sequence, expected_prev)
        if problem:
            broken = BrokenLink(chain, event.sequence, event.pk, problem)
            break
        verified += 1
        expected_sequence, expected_prev = expected_sequence + 1, event.hash
    if broken is None and stray is not None:
        broken = BrokenLink(chain, None, stray.pk, "an unsealed event carries chain columns")
    return ChainVerification(
        chain=chain,
        verified=verified,
        head_sequence=expected_sequence - 1,
        head_hash=expected_prev,
        unsealed=unsealed,
        broken=broken,
    )


def chains_with_events() -> list[Chain]:
    """Every chain that has at least one event (call in the system context)."""
    # ``order_by()`` drops the model's ordering, which DISTINCT would otherwise include.
    chains = set(AuditEvent.objects.order_by().values_list("tenant_id", flat=True).distinct())
    return sorted(chains, key=lambda chain: (chain is not None, chain or 0))


def verify_chains(chains: Iterable[Chain] | None = None) -> list[ChainVerification]:
    """Verify ``chains`` (default: every chain) in the system context."""
    with system_context(VERIFIER_REASON):
        wanted = chains_with_events() if chains is None else list(chains)
        return [verify_chain(chain) for chain in wanted]
