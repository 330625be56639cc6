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
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from supply_chain_ops import wiring
from supply_chain_ops.contracts.atp import AtpPolicy, ProductRef, WarehouseSite
from supply_chain_ops.contracts.transfers import SupplyDemandRow
from supply_chain_ops.models.atp import Promise, PromiseKind, PromiseStatus
from supply_chain_ops.services.atp import BEYOND_HORIZON, Netting, net, promise_index
from supply_chain_ops.services.lead_times import QUOTED_CONFIDENCE, LeadTimeEstimate

from .lead_times import preferred_estimates
from .supply_demand import supply_demand

PLACES = 4  # the stock ledger's quantity scale
SCALE = 10**PLACES
QUANTUM = Decimal(1).scaleb(-PLACES)
PROMISE = "promise"
#: Supply that is in the warehouse now (the rest is still to come).
STOCK_KINDS = frozenset({"on_hand", "staged"})
PROMISED_LINE = "promised_line"

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
        product_id__in=list(product_ids),
        warehouse_id__in=list(warehouse_ids),
        status=PromiseStatus.OPEN,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now()))


def promise_rows(
    product_ids: Collection[int],
    warehouse_ids: Collection[int],
    start: dt.date,
    end: dt.date,
    *,
    pending: tuple[int, Decimal] | None = None,
) -> list[SupplyDemandRow]:
    """Open promises as demand, and the sales demand of the lines firm promises replace given back.

    Promises are summed by day in the database. Only firm promises replace sales demand: a
    quote's line belongs to a draft order, which is no demand yet (confirming it firms its quotes
    up). ``pending`` is (sales line id, quantity) of a promise being made, counted as if it
    existed. Four queries whatever the number of promises.
    """
    promises = open_promises(product_ids, warehouse_ids)
    open_quantity = Sum(F("quantity") - F("reserved_quantity"))
    by_day = (
        promises.filter(promised_date__lte=end)
        .values_list("product_id", "warehouse_id", "promised_date")
        .annotate(open=open_quantity)
        .order_by()
    )
    rows = [
        SupplyDemandRow(product, warehouse, max(day, start), PROMISE, -quantity)
        for product, warehouse, day, quantity in by_day
        if quantity
    ]
    promised_by_line: dict[int, Decimal] = defaultdict(Decimal)
    firm = promises.filter(kind=PromiseKind.FIRM).values_list("sales_line_id").annotate(open=open_quantity)
    for line_id, quantity in firm.order_by():
        promised_by_line[line_id] += quantity
    if pending is not None:
        promised_by_line[pending[0]] += pending[1]
    if not promised_by_line:
        return rows
    for line_id, facts in wiring.atp_domain().sales_lines(promised_by_line).items():
        replaced = min(promised_by_line[line_id], facts.counted_demand)
        if replaced > 0 and facts.warehouse_id is not None and facts.demand_date <= end:
            day = max(facts.demand_date, start)
            rows.append(SupplyDemandRow(facts.product_id, facts.warehouse_id, day, PROMISED_LINE, replaced))
    return rows


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
    pending: tuple[int, Decimal] | None = None,
) -> AtpTable:
    """Net supply and demand for every product and warehouse pair; a constant number of queries."""
    products, warehouses = list(dict.fromkeys(product_ids)), list(dict.fromkeys(warehouse_ids))
    end = start + dt.timedelta(days=days - 1)
    width = len(warehouses)
    supply = np.zeros((len(products) * width, days), dtype=np.int64)
    demand = np.zeros_like(supply)
    stock = np.zeros(len(supply), dtype=np.int64)
    table_index = {(p, w): i * width + j for i, p in enumerate(products) for j, w in enumerate(warehouses)}
    rows = supply_demand(products, warehouses, start, end) if products and warehouses else []
    if products and warehouses:
        rows += promise_rows(products, warehouses, start, end, pending=pending)
    for row in rows:
        i = table_index.get((row.product_id, row.warehouse_id))
        if i is None or row.date > end:
            continue
        day = (max(row.date, start) - start).days
        units = to_units(row.quantity)
        if row.kind == PROMISED_LINE:
            demand[i, day] -= units
        elif units >= 0:
            supply[i, day] += units
            if row.kind in STOCK_KINDS:
                stock[i] += units
        else:
            demand[i, day] -= units
    np.maximum(demand, 0, out=demand)
    return AtpTable(products, warehouses, start, days, supply, demand, stock, net(supply, demand))


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

    answers = []
    for request in requests:
        product = products.get(request.product_id)
        if product is None:
            continue
        warehouses = [w for w in (request.warehouse_ids or sites) if w in sites]
        answers.append(
            _answer(
                table, request, product, warehouses, sites, estimates.get(product.id), policy, with_buckets
            )
        )
    return answers


def _answer(
    table: AtpTable,
    request: AtpRequest,
    product: ProductRef,
    warehouses: list[int],
    sites: Mapping[int, WarehouseSite],
    estimate: LeadTimeEstimate | None,
    policy: AtpPolicy,
    with_buckets: bool,
) -> AtpAnswer:
    units = to_units(request.quantity)
    rows = [table.row(product.id, w) for w in warehouses]
    curves = table.netting.cumulative[rows] if rows else np.zeros((0, table.days), dtype=np.int64)
    promisable = {w: from_units(curves[k, -1]) for k, w in enumerate(warehouses)}
    # What can be promised today and is already in the warehouse.
    free_stock = np.minimum(table.on_hand[rows], curves[:, 0]) if rows else np.zeros(0, dtype=np.int64)
    buckets = {w: table.buckets(product.id, w) for w in warehouses} if with_buckets else None
    base: dict[str, Any] = {"product": product, "quantity": request.quantity, "promisable": promisable}

    if rows:
        firsts = promise_index(curves, units)
        reachable = [(int(day), k) for k, day in enumerate(firsts) if day != BEYOND_HORIZON]
        if reachable:
            day, k = min(reachable)
            w = warehouses[k]
            confidence, breakdown = confidence_of(units, int(free_stock[k]), estimate)
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
            day = int(promise_index(curves.sum(axis=0), units))
            if day != BEYOND_HORIZON:
                parts, left = [], units
                for k in np.argsort(-curves[:, day], kind="stable"):
                    take = min(left, int(curves[k, day]))
                    if take > 0:
                        w = warehouses[int(k)]
                        parts.append(SourcePart(w, sites[w].code, from_units(take)))
                        left -= take
                confidence, breakdown = confidence_of(units, int(free_stock.sum()), estimate)
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
