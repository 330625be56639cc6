"""Replenishment runs, step by step: compute and propose, decide lines, approve, release, supersede.

A run holds the tenant's planning lock while it supersedes the previous unreleased run (whose
draft transfers are withdrawn), computes every series (``coordinators.replenishment_plan``) and
writes a line per series below its reorder point — all in one transaction, so running twice
proposes the same lines once: the second run replaces the first, and after a release the
requisitions count as in progress. Transfer before buy: when the tenant sets a distance limit,
what warehouses within it hold above their order-up-to level is drafted as transfers first, and
only the rest is bought.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.editing import lock_row
from nexus.core.errors import AlreadyPosted, InvalidInput, NotFound
from nexus.core.models.refs import ObjectRef
from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, perform_transition
from nexus.core.transitions.actors import actor_ref
from supply_chain_ops import wiring
from supply_chain_ops.contracts.replenishment import RequisitionRequest
from supply_chain_ops.coordinators.replenishment_plan import Plan, Progress, build_plan
from supply_chain_ops.models.replenishment import (
    UNRELEASED_STATES,
    Decision,
    ReplenishmentLine,
    ReplenishmentRun,
    RunStatus,
    SuggestionKind,
)
from supply_chain_ops.services.balancing import Excess, Need, distance_table, match
from supply_chain_ops.services.replenishment_policy import round_order

from .planning import ProposedMove, draft_moves, serialise_planning, supersede, withdraw_drafts
from .replenishment_explained import explain_purchase, explain_transfer, figures

NUMBER_TYPE = "RR"


def _quiet(label: str, done: int, total: int) -> None:
    """No progress report."""


def run_replenishment(
    *,
    actor: Actor,
    trigger: str = "manual",
    today: dt.date | None = None,
    progress: Progress = _quiet,
    wait: bool = True,
) -> ReplenishmentRun:
    """Plan every series now and leave a proposed run (the previous unreleased one superseded).

    With ``wait=False``, a run already computing is a ``PlanningInProgress`` (409) instead of a wait.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        serialise_planning(wait=wait)
        run = ReplenishmentRun(number=next_number(NUMBER_TYPE), trigger=trigger)
        run.save()
        for old in (
            ReplenishmentRun.objects.filter(status__in=UNRELEASED_STATES).exclude(pk=run.pk).order_by("id")
        ):
            supersede(old, by=run, actor=actor)
        plan = build_plan(today, progress)
        _write_lines(run, plan, actor)
        run.history_start, run.history_end = plan.history_start, today - dt.timedelta(days=1)
        run.series_count = len(plan.keys)
        run.settings = {
            "service_level": plan.settings.service_level,
            "review_days": plan.settings.review_days,
            "history_days": plan.settings.history_days,
            "ordering_cost": plan.settings.ordering_cost,
            "holding_rate": plan.settings.holding_rate,
            "transfer_distance_km": plan.settings.transfer_distance_km,
        }
        run.save(
            update_fields=[
                "history_start",
                "history_end",
                "series_count",
                "settings",
                "version",
                "updated_at",
            ]
        )
        result = perform_transition(run, "propose", actor=actor)
    proposed: ReplenishmentRun = result.instance
    return proposed


def decide(run_id: int, line_ids: Collection[int], decision: Decision, *, actor: Actor) -> int:
    """Approve or reject lines of a proposed run (the run locked); the number of lines changed."""
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise InvalidInput("A decision is approved or rejected.", fields={"decision": ["Not a decision."]})
    with transaction.atomic():
        run = lock_row(ReplenishmentRun, run_id)
        if run is None:
            raise NotFound("No such replenishment run.")
        if run.status != RunStatus.PROPOSED:
            raise AlreadyPosted(
                f"{run} is {run.get_status_display().lower()}; only a proposed run's lines are decided."
            )
        foreign = set(line_ids) - set(run.lines.filter(pk__in=list(line_ids)).values_list("pk", flat=True))
        if foreign:
            message = f"Not lines of {run}: {', '.join(map(str, sorted(foreign)))}."
            raise InvalidInput(message, fields={"lines": [message]})
        changed = run.lines.filter(pk__in=list(line_ids)).exclude(decision=decision).update(decision=decision)
        run.save(update_fields=["version", "updated_at"])
        record_event(
            f"supply_chain.replenishment_lines_{decision}",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(run),
            data={"line_ids": sorted(line_ids), "changed": changed},
        )
    return changed


def approve(run: ReplenishmentRun | int, *, actor: Actor, idempotency_key: str = "") -> ReplenishmentRun:
    target = run if isinstance(run, ReplenishmentRun) else (ReplenishmentRun, run)
    result = perform_transition(target, "approve", actor=actor, idempotency_key=idempotency_key)
    approved: ReplenishmentRun = result.instance
    return approved


def release(run: ReplenishmentRun | int, *, actor: Actor, idempotency_key: str = "") -> ReplenishmentRun:
    target = run if isinstance(run, ReplenishmentRun) else (ReplenishmentRun, run)
    result = perform_transition(target, "release", actor=actor, idempotency_key=idempotency_key)
    released: ReplenishmentRun = result.instance
    return released


# The transitions' writes (declared in SupplyChainOpsConfig.ready).


def approve_pending(change: TransitionChange) -> None:
    change.instance.lines.filter(decision=Decision.PENDING).update(decision=Decision.APPROVED)


def create_requisitions(change: TransitionChange) -> list[int]:
    """Approved purchases become one draft requisition per warehouse and vendor; rejected
    transfers are withdrawn (approved ones stay drafts for the planner to approve)."""
    run: ReplenishmentRun = change.instance
    lines = list(ReplenishmentLine.objects.select_for_update().filter(run=run).order_by("id"))
    groups: dict[tuple[int, int | None], list[ReplenishmentLine]] = defaultdict(list)
    for line in lines:
        if line.kind == SuggestionKind.PURCHASE and line.decision == Decision.APPROVED:
            groups[(line.warehouse_id, line.vendor_id)].append(line)
    keys = sorted(groups, key=lambda k: (k[0], k[1] or 0))
    planned = run.history_end + dt.timedelta(days=1) if run.history_end else timezone.localdate()
    requests = [
        RequisitionRequest(
            warehouse_id=warehouse_id,
            vendor_id=vendor_id,
            needed_by=planned
            + dt.timedelta(days=max(line.lead_time_days for line in groups[(warehouse_id, vendor_id)])),
            lines=[(line.product_id, line.quantity) for line in groups[(warehouse_id, vendor_id)]],
            notes=f"From replenishment run {run}.",
        )
        for warehouse_id, vendor_id in keys
    ]
    ids = wiring.replenishment_data().create_requisitions(requests, actor=change.actor)
    for key, requisition_id in zip(keys, ids, strict=True):
        ReplenishmentLine.objects.filter(pk__in=[line.pk for line in groups[key]]).update(
            requisition_id=requisition_id
        )
    withdraw_drafts(
        [line.transfer_order_id for line in lines if line.decision == Decision.REJECTED],
        actor=change.actor,
        because=f"rejected in {run}",
    )
    return ids


def _write_lines(run: ReplenishmentRun, plan: Plan, actor: Actor) -> None:
    below = [i for i in range(len(plan.keys)) if plan.policy.below[i]]
    moved = _transfers_first(run, plan, below, actor)
    rows = []
    for i in below:
        product_id = plan.keys[i][0]
        product = plan.products.get(product_id)
        if product is None:
            continue
        places = Decimal(1).scaleb(-product.unit_decimals)
        wanted = Decimal(str(plan.policy.wanted[i])).quantize(Decimal("0.0001"))
        for move, order_id in moved.get(i, []):
            rows.append(
                _line(
                    run,
                    plan,
                    i,
                    SuggestionKind.TRANSFER,
                    move.quantity,
                    wanted,
                    explain_transfer(plan, i, move),
                    move.source_warehouse_id,
                    order_id,
                )
            )
        rest = wanted - sum((move.quantity for move, _ in moved.get(i, [])), Decimal(0))
        if rest <= 0:
            continue
        terms = plan.terms.get(product_id)
        minimum = terms.minimum_order_quantity if terms else Decimal(0)
        multiple = terms.order_multiple if terms else places
        quantity = round_order(rest, minimum, multiple, product.unit_decimals)
        line = _line(
            run,
            plan,
            i,
            SuggestionKind.PURCHASE,
            quantity,
            wanted,
            explain_purchase(plan, i, rest, quantity),
            None,
            None,
        )
        line.vendor_id = terms.vendor_id if terms else None
        line.minimum_order_quantity, line.order_multiple = minimum, multiple
        rows.append(line)
    ReplenishmentLine.objects.bulk_create(rows, batch_size=1000)


def _line(
    run: ReplenishmentRun,
    plan: Plan,
    i: int,
    kind: SuggestionKind,
    quantity: Decimal,
    wanted: Decimal,
    explanation: str,
    source_id: int | None,
    transfer_id: int | None,
) -> ReplenishmentLine:
    product_id, warehouse_id = plan.keys[i]
    return ReplenishmentLine(
        tenant_id=run.tenant_id,
        run=run,
        product_id=product_id,
        warehouse_id=warehouse_id,
        sku=plan.products[product_id].sku,
        kind=kind,
        quantity=quantity,
        wanted=wanted,
        source_warehouse_id=source_id,
        transfer_order_id=transfer_id,
        explanation=explanation,
        chart=plan.chart(i),
        **figures(plan, i),
    )


def _transfers_first(
    run: ReplenishmentRun, plan: Plan, below: Sequence[int], actor: Actor
) -> dict[int, list[tuple[ProposedMove, int]]]:
    """Draft the transfers that cover what the series below their reorder point want, from
    warehouses within the distance limit above their order-up-to level; by series index."""
    limit = plan.settings.transfer_distance_km
    if limit is None or not below:
        return {}
    index = plan.index()
    excess = plan.excess()
    distances = distance_table({s.id: s.point for s in plan.sites})
    by_product: dict[int, list[int]] = defaultdict(list)
    for i in below:
        by_product[plan.keys[i][0]].append(i)
    moves: list[tuple[int, ProposedMove]] = []
    for product_id, rows in sorted(by_product.items()):
        product = plan.products.get(product_id)
        if product is None:
            continue
        needs = [
            Need(plan.keys[i][1], Decimal(str(plan.policy.wanted[i])).quantize(Decimal("0.0001")))
            for i in rows
        ]
        offers = [
            Excess(site.id, Decimal(str(excess[j])).quantize(Decimal("0.0001")))
            for site in plan.sites
            if (j := index.get((product_id, site.id))) is not None and excess[j] > 0
        ]
        for move in match(needs, offers, distances, limit, product.unit_decimals):
            proposed = ProposedMove(
                product_id,
                move.source_warehouse_id,
                move.destination_warehouse_id,
                move.quantity,
                move.distance_km,
            )
            moves.append((index[(product_id, move.destination_warehouse_id)], proposed))
    drafted = draft_moves(
        [m for _, m in moves], today=plan.today, actor=actor, notes=f"Transfer before buy, {run}."
    )
    found: dict[int, list[tuple[ProposedMove, int]]] = defaultdict(list)
    for i, planned in moves:
        key = (planned.source_warehouse_id, planned.destination_warehouse_id)
        found[i].append((planned, drafted[key].pk))
    return found
