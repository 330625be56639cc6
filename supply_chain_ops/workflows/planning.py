"""What replenishment and balancing runs share: one run at a time per tenant, drafting the
transfers they propose, and withdrawing those drafts when a run is superseded."""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models

from nexus.core.errors import Conflict
from nexus.core.scope import require_tenant_id
from nexus.core.transitions import Actor, TransitionChange, perform_transition
from nexus.core.transitions.actors import follow_up_actor
from supply_chain_ops.models.transfers import TransferOrder, TransferOrderStatus

from . import transfers

#: Planned road distance a transfer covers per day, for its expected arrival.
KM_PER_DAY = 500


class PlanningInProgress(Conflict):
    """Another replenishment or balancing run of the tenant is computing; try again when it is done."""

    code = "planning_in_progress"
    default_detail = "A replenishment or balancing run is being computed; try again when it is done."
    retryable = True


def serialise_planning(*, wait: bool = True) -> None:
    """Hold the tenant's planning lock until the transaction ends (PostgreSQL; SQLite has one
    writer anyway): a replenishment and a balancing run never compute side by side, so each
    sees the other's proposals as in progress.

    Waits for a run in progress, or with ``wait=False`` raises ``PlanningInProgress`` at once
    (a request should not hang for minutes behind the nightly run).
    """
    if connection.vendor != "postgresql":
        return
    key = f"supply_chain.planning.{require_tenant_id()}"
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
            return
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [key])
        if not cursor.fetchone()[0]:
            raise PlanningInProgress()


@dataclass(frozen=True)
class ProposedMove:
    product_id: int
    source_warehouse_id: int
    destination_warehouse_id: int
    quantity: Decimal
    distance_km: float


def draft_moves(
    moves: Sequence[ProposedMove], *, today: dt.date, actor: Actor, notes: str
) -> dict[tuple[int, int], TransferOrder]:
    """One draft transfer per (source, destination) with a line per product; by that pair."""
    grouped: dict[tuple[int, int], list[ProposedMove]] = defaultdict(list)
    for move in moves:
        grouped[(move.source_warehouse_id, move.destination_warehouse_id)].append(move)
    drafted = {}
    for (source, destination), members in sorted(grouped.items()):
        days = 1 + math.ceil(max(m.distance_km for m in members) / KM_PER_DAY)
        drafted[(source, destination)] = transfers.draft_transfer(
            source_warehouse_id=source,
            destination_warehouse_id=destination,
            ship_date=today,
            expected_date=today + dt.timedelta(days=days),
            lines=[(m.product_id, m.quantity) for m in members],
            actor=actor,
            notes=notes,
        )
    return drafted


def withdraw_drafts(transfer_ids: Iterable[int | None], *, actor: Actor, because: str) -> None:
    """Cancel those of the transfers that are still drafts (approved ones are the planner's now)."""
    ids = sorted({pk for pk in transfer_ids if pk is not None})
    drafts = TransferOrder.objects.filter(pk__in=ids, status=TransferOrderStatus.DRAFT).values_list(
        "pk", flat=True
    )
    for pk in sorted(drafts):
        perform_transition(
            (TransferOrder, pk), "cancel", actor=follow_up_actor(actor, because), reason=because
        )


def supersede(run: models.Model, *, by: models.Model, actor: Actor) -> None:
    """Replace a run that is still open by ``by``; the draft transfers of its lines are withdrawn."""

    def writes(change: TransitionChange) -> None:
        change.instance.superseded_by = by
        withdraw_drafts(
            change.instance.lines.values_list("transfer_order_id", flat=True),
            actor=actor,
            because=f"{change.instance} superseded by {by}",
        )

    perform_transition(run, "supersede", actor=actor, reason=f"superseded by {by}", writes=writes)
