"""Balancing runs: draft transfers from warehouses above their order-up-to level to those below
their reorder point, nearest first, within the tenant's distance limit (none: any distance).

A run holds the tenant's planning lock, supersedes the previous proposed run (withdrawing its
draft transfers), plans every series with the same figures as replenishment — so transfers that
replenishment proposed count as in progress at both ends, and these count for it in turn — and
matches per product (``services.balancing.match``: no surplus below its level, no deficit above
its target). Approving the run approves its draft transfers (their stock is reserved).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, perform_transition
from supply_chain_ops.coordinators.replenishment_plan import Plan, Progress, build_plan
from supply_chain_ops.models.balancing import BalancingLine, BalancingRun
from supply_chain_ops.models.replenishment import RunStatus
from supply_chain_ops.models.transfers import TransferOrder, TransferOrderStatus
from supply_chain_ops.services.balancing import Excess, Need, distance_table, match

from . import transfers
from .planning import ProposedMove, draft_moves, serialise_planning, supersede

NUMBER_TYPE = "BR"
FOUR = Decimal("0.0001")


def _quiet(label: str, done: int, total: int) -> None:
    """No progress report."""


def run_balancing(
    *, actor: Actor, today: dt.date | None = None, progress: Progress = _quiet, wait: bool = True
) -> BalancingRun:
    """Propose the transfers that balance every product now (the previous proposed run superseded).

    With ``wait=False``, a run already computing is a ``PlanningInProgress`` (409) instead of a wait.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        serialise_planning(wait=wait)
        run = BalancingRun(number=next_number(NUMBER_TYPE))
        run.save()
        for old in BalancingRun.objects.filter(status=RunStatus.PROPOSED).exclude(pk=run.pk).order_by("id"):
            supersede(old, by=run, actor=actor)
        plan = build_plan(today, progress)
        limit = plan.settings.transfer_distance_km
        moves = proposed_moves(plan)
        drafted = draft_moves(moves, today=today, actor=actor, notes=f"Balancing, {run}.")
        codes = {s.id: s.code for s in plan.sites}
        index = plan.index()
        BalancingLine.objects.bulk_create(
            [
                BalancingLine(
                    tenant_id=run.tenant_id,
                    run=run,
                    product_id=move.product_id,
                    sku=plan.products[move.product_id].sku,
                    source_warehouse_id=move.source_warehouse_id,
                    destination_warehouse_id=move.destination_warehouse_id,
                    quantity=move.quantity,
                    distance_km=Decimal(str(round(move.distance_km, 1))),
                    transfer_order=drafted[(move.source_warehouse_id, move.destination_warehouse_id)],
                    explanation=_explain(plan, move, codes, index),
                )
                for move in moves
            ]
        )
        run.distance_limit_km = Decimal(str(round(limit, 1))) if limit is not None else None
        run.save(update_fields=["distance_limit_km", "version", "updated_at"])
        result = perform_transition(run, "propose", actor=actor)
    proposed: BalancingRun = result.instance
    return proposed


def proposed_moves(plan: Plan) -> list[ProposedMove]:
    """Per product, its deficits (below the reorder point, wanting up to the order-up-to level)
    matched to its surpluses (above the order-up-to level, what is free), nearest first."""
    excess = plan.excess()
    distances = distance_table({s.id: s.point for s in plan.sites})
    needs: dict[int, list[Need]] = defaultdict(list)
    offers: dict[int, list[Excess]] = defaultdict(list)
    for i, (product_id, warehouse_id) in enumerate(plan.keys):
        if plan.policy.below[i]:
            needs[product_id].append(Need(warehouse_id, _q(plan.policy.wanted[i])))
        elif excess[i] > 0:
            offers[product_id].append(Excess(warehouse_id, _q(excess[i])))
    moves = []
    for product_id in sorted(needs.keys() & offers.keys()):
        product = plan.products.get(product_id)
        if product is None:
            continue
        for move in match(
            needs[product_id],
            offers[product_id],
            distances,
            plan.settings.transfer_distance_km,
            product.unit_decimals,
        ):
            moves.append(
                ProposedMove(
                    product_id,
                    move.source_warehouse_id,
                    move.destination_warehouse_id,
                    move.quantity,
                    move.distance_km,
                )
            )
    return moves


def approve(run: BalancingRun | int, *, actor: Actor, idempotency_key: str = "") -> BalancingRun:
    target = run if isinstance(run, BalancingRun) else (BalancingRun, run)
    result = perform_transition(target, "approve", actor=actor, idempotency_key=idempotency_key)
    approved: BalancingRun = result.instance
    return approved


def approve_transfers(change: TransitionChange) -> None:
    """The writes of ``approve``: every draft transfer of the run is approved (reserved at its source)."""
    ids = {pk for pk in change.instance.lines.values_list("transfer_order_id", flat=True) if pk is not None}
    for pk in sorted(
        TransferOrder.objects.filter(pk__in=ids, status=TransferOrderStatus.DRAFT).values_list(
            "pk", flat=True
        )
    ):
        transfers.approve(pk, actor=change.actor)


def _q(value: float) -> Decimal:
    return Decimal(str(round(float(value), 4))).quantize(FOUR)


def _explain(plan: Plan, move: ProposedMove, codes: dict[int, str], index: dict[tuple[int, int], int]) -> str:
    source = index[(move.product_id, move.source_warehouse_id)]
    target = index[(move.product_id, move.destination_warehouse_id)]
    p = plan.policy
    return (
        f"{codes[move.destination_warehouse_id]} is at {plan.position[target]:,.2f}, below its reorder point "
        f"{p.reorder_point[target]:,.2f} (fills to {p.order_up_to[target]:,.2f}); "
        f"{codes[move.source_warehouse_id]} is at {plan.position[source]:,.2f}, above its order-up-to level "
        f"{p.order_up_to[source]:,.2f}, {move.distance_km:,.0f} km away: "
        f"transfer {move.quantity.normalize():f}."
    )
