"""Time-phased available-to-promise for many products and warehouses at once.

Supply and demand come from the domains (``coordinators.supply_demand``: on hand, staged,
reservations, purchases, sales, transfers) plus the open promises kept here. A promise for a
line of a confirmed order takes the place of that line's sales demand, so each unit counts
once. Everything is netted in one numpy call (``services.atp``); the number of queries does not
depend on how many products and warehouses are asked for.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from supply_chain_ops import wiring
from supply_chain_ops.contracts.atp import AtpPolicy, ProductRef, SalesLineFacts, WarehouseSite
from supply_chain_ops.contracts.transfers import DailyTotals
from supply_chain_ops.models.atp import Promise, PromiseKind, PromiseStatus
from supply_chain_ops.services.atp import BEYOND_HORIZON, Netting, net, promise_index
from supply_chain_ops.services.lead_times import QUOTED_CONFIDENCE, LeadTimeEstimate

from .lead_times import preferred_estimates
from .supply_demand import cells_to_totals, join_totals, transfers_in_by_day, transfers_out_by_day

PLACES = 4  # the stock ledger's quantity scale
SCALE = 10**PLACES
QUANTUM = Decimal(1).scaleb(-PLACES)

BASIS_ATP = "atp"
BASIS_LEAD_TIME = "lead_time"
BASIS_NONE = "none"


def to_units(quantity: Decimal) -> int:
    return int(quantity.quantize(QUANTUM) * SCALE)


def from_units(units: int | np.integer[Any]) -> Decimal:
    return (Decimal(int(units)) / SCALE).quantize(QUANTUM)


def open_promises(
    product_ids: Collection[int], warehouse_ids: Collection[int], *, now: dt.datetime | None = None
) -> QuerySet[Promise]:
    """Open promises of the products in the warehouses (quotes only until they expire)."""
    return Promise.objects.filter(
        product_id__any=list(product_ids),
        warehouse_id__any=list(warehouse_ids),
        status=PromiseStatus.OPEN,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now()))


def promises_by_day(
    product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
) -> QuerySet[Promise, tuple[int, int, dt.date, Decimal]]:
    """Open promises as demand (negative), summed by the database: ``(product, warehouse, day, quantity)``."""
    return (
        open_promises(product_ids, warehouse_ids)
        .filter(promised_date__lte=end)
        .values("product_id", "warehouse_id", day=Greatest("promised_date", Value(start, DateField())))
        .annotate(total=-Sum(F("quantity") - F("reserved_quantity")))
        .values_list("product_id", "warehouse_id", "day", "total")
        .order_by()
    )


def replaced_sales_demand(
    product_ids: Collection[int],
    warehouse_ids: Collection[int],
    start: dt.date,
    end: dt.date,
    *,
    pending: tuple[SalesLineFacts, Decimal] | None = None,
) -> DailyTotals:
    """The sales demand of the lines firm promises replace, given back (negative demand).

    Only firm promises replace sales demand: a quote's line belongs to a draft order, which is
    no demand yet (confirming it firms its quotes up). ``pending`` is a promise being made, for
    the line as the caller read it, counted as if it existed. One query, and one more when other
    lines hold firm promises.
    """
    firm = (
        open_promises(product_ids, warehouse_ids)
        .filter(kind=PromiseKind.FIRM)
        .values_list("sales_line_id")
        .annotate(open=Sum(F("quantity") - F("reserved_quantity")))
        .order_by()
    )
    promised_by_line: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, quantity in firm:
        promised_by_line[line_id] += quantity
    known: dict[int, SalesLineFacts] = {}
    if pending is not None:
        known[pending[0].id] = pending[0]
        promised_by_line[pending[0].id] += pending[1]
    others = set(promised_by_line) - set(known)
    if others:
        known.update(wiring.atp_domain().sales_lines(others))
    cells = []
    for line_id, facts in known.items():
        replaced = min(promised_by_line[line_id], facts.counted_demand)
        if replaced > 0 and facts.warehouse_id is not None and facts.demand_date <= end:
            day = max((facts.demand_date - start).days, 0)
            cells.append((facts.product_id, facts.warehouse_id, day, -to_units(replaced)))
    table = np.array(cells, dtype=np.int64).reshape(-1, 4)
    nothing = np.zeros(len(table), dtype=np.int64)
    return DailyTotals(table[:, 0], table[:, 1], table[:, 2], nothing, table[:, 3], nothing)


@dataclass(frozen=True)
class Bucket:
    """One day of one product and warehouse: supply, demand, and the cumulative ATP."""

    date: dt.date
    supply: Decimal
    demand: Decimal
    atp: Decimal
    cumulative_supply: Decimal
    cumulative_demand: Decimal
    cumulative_atp: Decimal


@dataclass
class AtpTable:
    """Supply, demand and their netting for every (product, warehouse) over ``days`` from ``start``."""

    product_ids: list[int]
    warehouse_ids: list[int]
    start: dt.date
    days: int
    supply: np.ndarray
    demand: np.ndarray
    on_hand: np.ndarray  # per series: stock on hand and staged now (part of day 0's supply)
    netting: Netting
    _index: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        width = len(self.warehouse_ids)
        self._index = {
            (p, w): i * width + j
            for i, p in enumerate(self.product_ids)
            for j, w in enumerate(self.warehouse_ids)
        }

    def row(self, product_id: int, warehouse_id: int) -> int:
        return self._index[(product_id, warehouse_id)]

    def date(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=index)

    def buckets(self, product_id: int, warehouse_id: int) -> list[Bucket]:
        i = self.row(product_id, warehouse_id)
        supply, demand = self.supply[i], self.demand[i]
        free, cumulative = self.netting.free[i], self.netting.cumulative[i]
        cum_supply, cum_demand = np.cumsum(supply), np.cumsum(demand)
        return [
            Bucket(
                self.date(day),
                from_units(supply[day]),
                from_units(demand[day]),
                from_units(free[day]),
                from_units(cum_supply[day]),
                from_units(cum_demand[day]),
                from_units(cumulative[day]),
            )
            for day in range(self.days)
        ]


def build_table(
    product_ids: Sequence[int],
    warehouse_ids: Sequence[int],
    *,
    start: dt.date,
    days: int,
    pending: tuple[SalesLineFacts, Decimal] | None = None,
) -> AtpTable:
    """Net supply and demand for every product and warehouse pair; a constant number of queries."""
    products, warehouses = list(dict.fromkeys(product_ids)), list(dict.fromkeys(warehouse_ids))
    end = start + dt.timedelta(days=days - 1)
    width = len(warehouses)
    supply = np.zeros((len(products) * width, days), dtype=np.int64)
    demand = np.zeros_like(supply)
    stock = np.zeros(len(supply), dtype=np.int64)
    if products and warehouses:
        # The orchestrator's own supply and demand (transfers, promises) in one query.
        own = transfers_in_by_day(products, warehouses, start, end).union(
            transfers_out_by_day(products, warehouses, start, end),
            promises_by_day(products, warehouses, start, end),
            all=True,
        )
        totals = join_totals(
            wiring.domain_supply_demand().daily_totals(products, warehouses, start, end),
            cells_to_totals(own, start),
            replaced_sales_demand(products, warehouses, start, end, pending=pending),
        )
        product_at, product_ok = _positions(products, totals.product_id)
        warehouse_at, warehouse_ok = _positions(warehouses, totals.warehouse_id)
        keep = product_ok & warehouse_ok & (totals.day >= 0) & (totals.day < days)
        series = product_at[keep] * width + warehouse_at[keep]
        day = totals.day[keep]
        np.add.at(supply, (series, day), totals.supply[keep])
        np.add.at(demand, (series, day), totals.demand[keep])
        np.add.at(stock, series, totals.stock[keep])
    np.maximum(demand, 0, out=demand)
    return AtpTable(products, warehouses, start, days, supply, demand, stock, net(supply, demand))


def _positions(ids: list[int], wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``wanted`` stands in ``ids``, and whether it is there at all."""
    known = np.array(ids, dtype=np.int64)
    order = np.argsort(known, kind="stable")
    at = np.searchsorted(known, wanted, sorter=order).clip(0, max(len(known) - 1, 0))
    found = order[at]
    return found, known[found] == wanted


@dataclass(frozen=True)
class AtpRequest:
    """How much of a product, from which warehouses (None: every warehouse that holds stock)."""

    product_id: int
    quantity: Decimal
    warehouse_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class SourcePart:
    warehouse_id: int
    warehouse_code: str
    quantity: Decimal


@dataclass(frozen=True)
class AtpAnswer:
    """When ``quantity`` can be promised, from where, how sure that is, and (on request) the buckets."""

    product: ProductRef
    quantity: Decimal
    promise_date: dt.date | None
    basis: str
    sources: tuple[SourcePart, ...]
    confidence: float
    breakdown: Mapping[str, Any]
    promisable: Mapping[int, Decimal]  # warehouse id -> the most ever promisable within the horizon
    buckets: Mapping[int, list[Bucket]] | None = None


def confidence_of(
    quantity_units: int, stock_units: int, estimate: LeadTimeEstimate | None
) -> tuple[float, dict[str, Any]]:
    """Free stock in the warehouse counts as certain; supply still to come as reliable as the
    preferred vendor (its on-time rate, else its confidence)."""
    stock = min(quantity_units, stock_units) / quantity_units if quantity_units else 1.0
    if estimate is None:
        reliability = QUOTED_CONFIDENCE
    else:
        reliability = estimate.on_time_rate if estimate.on_time_rate is not None else estimate.confidence
    confidence = stock + (1 - stock) * reliability
    return round(confidence, 4), {
        "basis": BASIS_ATP,
        "stock_share": round(stock, 4),
        "inbound_share": round(1 - stock, 4),
        "inbound_reliability": round(reliability, 4),
    }


def _lead_time_breakdown(estimate: LeadTimeEstimate) -> dict[str, Any]:
    return {
        "basis": BASIS_LEAD_TIME,
        "lead_time_days": estimate.days,
        "mean_days": estimate.mean_days,
        "sigma_days": estimate.sigma_days,
        "on_time_rate": estimate.on_time_rate,
        "source": estimate.source,
        "receipts_counted": estimate.receipts_counted,
    }


def available_to_promise(
    requests: Sequence[AtpRequest],
    *,
    start: dt.date | None = None,
    horizon_days: int | None = None,
    with_buckets: bool = False,
    policy: AtpPolicy | None = None,
) -> list[AtpAnswer]:
    """Answer every request from one table; unknown products are left out of the answer.

    A request is served from the single warehouse that can promise the whole quantity first
    (ties: the order the warehouses were given in), else — where the tenant allows splitting —
    from several, else by the preferred vendor's lead time from ``start``.
    """
    domain = wiring.atp_domain()
    policy = policy or domain.policy()
    today = start or timezone.localdate()
    days = horizon_days or policy.horizon_days
    products = domain.products({r.product_id for r in requests})
    asked = {w for r in requests if r.warehouse_ids for w in r.warehouse_ids}
    sites = domain.stock_warehouses(None if any(r.warehouse_ids is None for r in requests) else asked)
    table = build_table(list(products), list(sites), start=today, days=days)
    estimates = preferred_estimates(list(products), today=today, policy=policy)

    asked_for = [
        (request, products[request.product_id], [w for w in (request.warehouse_ids or sites) if w in sites])
        for request in requests
        if request.product_id in products
    ]
    # Every (request, warehouse) pair's first promise day at once, then plain ints per request.
    pair_rows = [table.row(request.product_id, w) for request, _, ws in asked_for for w in ws]
    pair_units = [to_units(request.quantity) for request, _, ws in asked_for for _ in ws]
    curves = table.netting.cumulative
    firsts = (
        promise_index(curves[pair_rows], np.array(pair_units, dtype=np.int64)).tolist() if pair_rows else []
    )
    facts = _SeriesFacts(curves[:, -1].tolist(), np.minimum(table.on_hand, curves[:, 0]).tolist(), firsts)
    answers, at = [], 0
    for request, product, warehouses in asked_for:
        answers.append(
            _answer(
                table,
                request,
                product,
                warehouses,
                sites,
                estimates.get(product.id),
                policy,
                with_buckets,
                facts,
                at,
            )
        )
        at += len(warehouses)
    return answers


@dataclass(frozen=True)
class _SeriesFacts:
    """Per series: the most ever promisable and the free stock now; per asked pair: its first day."""

    promisable: list[int]
    free_stock: list[int]
    firsts: list[int]


def _answer(
    table: AtpTable,
    request: AtpRequest,
    product: ProductRef,
    warehouses: list[int],
    sites: Mapping[int, WarehouseSite],
    estimate: LeadTimeEstimate | None,
    policy: AtpPolicy,
    with_buckets: bool,
    facts: _SeriesFacts,
    at: int,
) -> AtpAnswer:
    units = to_units(request.quantity)
    rows = [table.row(product.id, w) for w in warehouses]
    promisable = {w: from_units(facts.promisable[r]) for w, r in zip(warehouses, rows, strict=True)}
    # What can be promised today and is already in the warehouse.
    free_stock = [facts.free_stock[r] for r in rows]
    buckets = {w: table.buckets(product.id, w) for w in warehouses} if with_buckets else None
    base: dict[str, Any] = {"product": product, "quantity": request.quantity, "promisable": promisable}

    if rows:
        firsts = facts.firsts[at : at + len(rows)]
        reachable = [(day, k) for k, day in enumerate(firsts) if day != BEYOND_HORIZON]
        if reachable:
            day, k = min(reachable)
            w = warehouses[k]
            confidence, breakdown = confidence_of(units, free_stock[k], estimate)
            return AtpAnswer(
                **base,
                promise_date=table.date(day),
                basis=BASIS_ATP,
                sources=(SourcePart(w, sites[w].code, request.quantity),),
                confidence=confidence,
                breakdown=breakdown,
                buckets=buckets,
            )
        if policy.allow_split and len(rows) > 1:
            curves = table.netting.cumulative[rows]
            day = int(promise_index(curves.sum(axis=0), units))
            if day != BEYOND_HORIZON:
                parts, left = [], units
                for k in np.argsort(-curves[:, day], kind="stable"):
                    take = min(left, int(curves[k, day]))
                    if take > 0:
                        w = warehouses[int(k)]
                        parts.append(SourcePart(w, sites[w].code, from_units(take)))
                        left -= take
                confidence, breakdown = confidence_of(units, sum(free_stock), estimate)
                breakdown["split"] = True
                return AtpAnswer(
                    **base,
                    promise_date=table.date(day),
                    basis=BASIS_ATP,
                    sources=tuple(parts),
                    confidence=confidence,
                    breakdown=breakdown,
                    buckets=buckets,
                )
    sources = tuple(SourcePart(w, sites[w].code, request.quantity) for w in warehouses[:1])
    if estimate is None:
        return AtpAnswer(
            **base,
            promise_date=None,
            basis=BASIS_NONE,
            sources=sources,
            confidence=0.0,
            breakdown={"basis": BASIS_NONE, "reason": "no supply within the horizon and no vendor terms"},
            buckets=buckets,
        )
    return AtpAnswer(
        **base,
        promise_date=table.start + dt.timedelta(days=estimate.days),
        basis=BASIS_LEAD_TIME,
        sources=sources,
        confidence=estimate.confidence,
        breakdown=_lead_time_breakdown(estimate),
        buckets=buckets,
    )
