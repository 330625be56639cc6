"""Regional sourcing: which warehouse ships each line of a sales order, and why.

For each line, the candidates are the warehouses whose ATP covers the quantity by the requested
date, ranked by great-circle distance to the customer, then by promise date. A line takes the
first candidate, and what it takes is netted as demand there before the next line is sourced,
so two lines never count on the same goods. Without a single candidate a line is split across
the nearest warehouses where the tenant allows it, else it gets the earliest promise anywhere.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from nexus.core.errors import NotFound, TransitionNotAllowed
from supply_chain_ops import wiring
from supply_chain_ops.contracts.atp import OrderForSourcing, SourcingLine, WarehouseSite
from supply_chain_ops.coordinators.atp import AtpTable, SourcePart, build_table, from_units, to_units
from supply_chain_ops.services.atp import BEYOND_HORIZON, net, promise_index
from supply_chain_ops.services.geo import great_circle_km


@dataclass(frozen=True)
class Candidate:
    """A warehouse that could ship a line: how far, and from when."""

    warehouse_id: int
    code: str
    distance_km: float | None
    promise_date: dt.date | None
    in_time: bool


@dataclass(frozen=True)
class LineSourcing:
    line_id: int
    product_id: int
    quantity: Decimal
    requested_date: dt.date
    sources: tuple[SourcePart, ...]
    promise_date: dt.date | None
    candidates: tuple[Candidate, ...]
    explanation: str

    @property
    def single_warehouse(self) -> int | None:
        return self.sources[0].warehouse_id if len(self.sources) == 1 else None


@dataclass(frozen=True)
class SourcingPlan:
    order_id: int
    order_number: str
    lines: tuple[LineSourcing, ...]


def _distance(order: OrderForSourcing, site: WarehouseSite) -> float | None:
    if None in (order.latitude, order.longitude, site.latitude, site.longitude):
        return None
    return round(great_circle_km(order.latitude, order.longitude, site.latitude, site.longitude), 1)  # type: ignore[arg-type]


def plan_sourcing(order_id: int, *, today: dt.date | None = None) -> SourcingPlan:
    """The warehouse(s) for every stocked line of the order, with the ranking that chose them."""
    domain = wiring.atp_domain()
    order = domain.order_for_sourcing(order_id)
    if order is None:
        raise NotFound(f"Sales order {order_id} does not exist.")
    policy = domain.policy()
    start = today or timezone.localdate()
    sites = domain.stock_warehouses()
    lines = [line for line in order.lines if not line.dropship and line.quantity > 0]
    table = build_table(
        [line.product_id for line in lines], list(sites), start=start, days=policy.horizon_days
    )
    distances = {w: _distance(order, site) for w, site in sites.items()}
    planned = tuple(
        _source_line(table, line, sites, distances, policy.allow_split, order.latitude is not None)
        for line in lines
    )
    return SourcingPlan(order.id, order.number, planned)


def _source_line(
    table: AtpTable,
    line: SourcingLine,
    sites: Mapping[int, WarehouseSite],
    distances: Mapping[int, float | None],
    allow_split: bool,
    located: bool,
) -> LineSourcing:
    units = to_units(line.quantity)
    warehouses = list(sites)
    rows = [table.row(line.product_id, w) for w in warehouses]
    curves = table.netting.cumulative[rows]
    firsts = promise_index(curves, units)
    deadline = min(max((line.requested_date - table.start).days, 0), table.days - 1)
    candidates = []
    for k, w in enumerate(warehouses):
        day = int(firsts[k])
        date = table.date(day) if day != BEYOND_HORIZON else None
        candidates.append(
            Candidate(w, sites[w].code, distances[w], date, day != BEYOND_HORIZON and day <= deadline)
        )
    far = float("inf")
    candidates.sort(
        key=lambda c: (
            not c.in_time,
            c.distance_km if c.distance_km is not None else far,
            c.promise_date or dt.date.max,
            c.code,
        )
    )
    where = "" if located else " (the customer has no coordinates: by promise date only)"
    best = candidates[0] if candidates else None
    if best is not None and best.in_time:
        _take(table, line.product_id, best.warehouse_id, deadline, units)
        distance = f", {best.distance_km:g} km away" if best.distance_km is not None else ""
        explanation = (
            f"{best.code} is the nearest warehouse that can deliver {line.quantity.normalize():f} by "
            f"{line.requested_date}{distance}, from {best.promise_date}{where}."
        )
        sources = (SourcePart(best.warehouse_id, best.code, line.quantity),)
        return LineSourcing(
            line.id,
            line.product_id,
            line.quantity,
            line.requested_date,
            sources,
            best.promise_date,
            tuple(candidates),
            explanation,
        )
    if allow_split and len(warehouses) > 1 and int(curves[:, deadline].sum()) >= units:
        parts, left = [], units
        for candidate in candidates:
            k = warehouses.index(candidate.warehouse_id)
            take = min(left, int(curves[k, deadline]))
            if take > 0:
                _take(table, line.product_id, candidate.warehouse_id, deadline, take)
                parts.append(SourcePart(candidate.warehouse_id, candidate.code, from_units(take)))
                left -= take
            if left == 0:
                break
        codes = ", ".join(p.warehouse_code for p in parts)
        explanation = (
            f"No one warehouse can deliver it all by {line.requested_date}: "
            f"split across {codes}, nearest first{where}."
        )
        return LineSourcing(
            line.id,
            line.product_id,
            line.quantity,
            line.requested_date,
            tuple(parts),
            line.requested_date,
            tuple(candidates),
            explanation,
        )
    reachable = sorted(
        (c for c in candidates if c.promise_date is not None),
        key=lambda c: (c.promise_date, c.distance_km or far),
    )
    if reachable:
        first = reachable[0]
        _take(table, line.product_id, first.warehouse_id, (first.promise_date - table.start).days, units)  # type: ignore[operator]
        explanation = (
            f"No warehouse can deliver it by {line.requested_date}; "
            f"{first.code} can soonest, on {first.promise_date}."
        )
        sources = (SourcePart(first.warehouse_id, first.code, line.quantity),)
        return LineSourcing(
            line.id,
            line.product_id,
            line.quantity,
            line.requested_date,
            sources,
            first.promise_date,
            tuple(candidates),
            explanation,
        )
    explanation = f"No warehouse can promise {line.quantity.normalize():f} within the horizon."
    return LineSourcing(
        line.id, line.product_id, line.quantity, line.requested_date, (), None, tuple(candidates), explanation
    )


def _take(table: AtpTable, product_id: int, warehouse_id: int, day: int, units: int) -> None:
    """Count what a line takes as demand on ``day`` and net that series again."""
    i = table.row(product_id, warehouse_id)
    table.demand[i, day] += units
    netted = net(table.supply[i], table.demand[i])
    table.netting.free[i], table.netting.cumulative[i] = netted.free, netted.cumulative


def apply_sourcing(order_id: int, *, actor: Any, today: dt.date | None = None) -> SourcingPlan:
    """Plan the sourcing of a draft order and set each single-sourced line's warehouse.

    Refuses (409) an order that is not a draft; split lines keep their warehouse (splitting a
    line is the clerk's decision) and say so in their explanation.
    """
    plan = plan_sourcing(order_id, today=today)
    order = wiring.atp_domain().order_for_sourcing(order_id)
    if order is None or not order.draft:
        raise TransitionNotAllowed(f"cannot source: {plan.order_number} is no longer a draft")
    current = {line.id: line.warehouse_id for line in order.lines}
    changes = {
        line.line_id: line.single_warehouse
        for line in plan.lines
        if line.single_warehouse is not None and current.get(line.line_id) != line.single_warehouse
    }
    if changes:
        wiring.atp_domain().set_line_warehouses(order_id, changes, actor=actor)
    return plan
