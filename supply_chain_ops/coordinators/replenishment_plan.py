"""The planning figures of every product and warehouse: forecast, lead time, policy, position.

Replenishment and balancing both start here, so that they agree on every reorder point and
every quantity in progress. Reads go through the replenishment contract in a constant number of
calls; the forecasts and policies are computed for all series at once (``services``).

Series: every (product, physical warehouse) of each product with demand in the history window.
Position = sellable on hand - reserved + open purchase lines + open requisitions + transfers
coming in (any open transfer, drafts included, which is how proposals of the other run count)
- draft transfers going out. What a warehouse can give away is the smaller of its position above
its order-up-to level and its free stock (on hand - reserved - draft transfers out).
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from supply_chain_ops import wiring
from supply_chain_ops.contracts.replenishment import (
    PlanningProduct,
    PurchaseTerms,
    ReplenishmentPolicy,
    Series,
    Site,
)
from supply_chain_ops.services.forecasting import Forecasts, forecast
from supply_chain_ops.services.replenishment_policy import Policy, PolicyInputs, PolicySettings, policy

from .replenishment_inputs import LeadTime, lead_times_for
from .supply_demand import TRANSFER_IN, transfer_rows

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str, int, int], None]
#: Planning horizon for transfers in progress (every open one counts, however far out).
OPEN_HORIZON_DAYS = 3650
#: The lead time of a product without purchase terms (it can only be transferred).
NO_TERMS_LEAD_DAYS = 7
NO_TERMS = "none"
CHART_AHEAD_DAYS = 28


def _quiet(label: str, done: int, total: int) -> None:
    """No progress report."""


@dataclass(frozen=True)
class Plan:
    """Aligned per-series arrays (row ``i`` is ``keys[i]``) and the facts they came from."""

    today: dt.date
    history_start: dt.date
    history: FloatArray
    keys: list[Series]
    forecasts: Forecasts
    demand: FloatArray
    lead_days: FloatArray
    lead_times: list[LeadTime | None]
    available: FloatArray  # on hand - reserved
    in_progress: FloatArray
    free: FloatArray
    position: FloatArray
    policy: Policy
    settings: ReplenishmentPolicy
    terms: Mapping[int, PurchaseTerms]
    products: Mapping[int, PlanningProduct]
    sites: list[Site]

    def index(self) -> dict[Series, int]:
        return {key: i for i, key in enumerate(self.keys)}

    def excess(self) -> FloatArray:
        """What each series could give away without going below its order-up-to level."""
        return np.maximum(np.minimum(self.position - self.policy.order_up_to, self.free), 0.0)

    @functools.cached_property
    def ahead(self) -> FloatArray:
        """Every series' daily forecast for the chart's weeks ahead (computed once)."""
        return self.forecasts.predict(CHART_AHEAD_DAYS)

    def chart(self, i: int, days: int = 56) -> dict[str, object]:
        """Recent history, the forecast and the reorder point of one series, for the admin chart."""
        return {
            "start": (self.today - dt.timedelta(days=days)).isoformat(),
            "history": [round(float(v), 4) for v in self.history[i, -days:]],
            "forecast": [round(float(v), 4) for v in self.ahead[i]],
            "reorder_point": round(float(self.policy.reorder_point[i]), 4),
            "order_up_to": round(float(self.policy.order_up_to[i]), 4),
        }


def build_plan(today: dt.date, progress: Progress = _quiet) -> Plan:
    """Forecast and plan every series as of ``today`` (history up to yesterday)."""
    data = wiring.replenishment_data()
    settings = data.policy()
    end = today - dt.timedelta(days=1)
    start = end - dt.timedelta(days=settings.history_days - 1)
    progress("history", 0, 5)
    history = data.demand_history(start, end)
    sites = data.sites()
    site_ids = [s.id for s in sites]
    product_ids = sorted({p for p, _ in history.keys})
    keys = [(p, w) for p in product_ids for w in site_ids]
    found = {key: i for i, key in enumerate(history.keys)}
    matrix = np.zeros((len(keys), history.quantities.shape[1]))
    rows = [i for i, key in enumerate(keys) if key in found]
    matrix[rows] = history.quantities[[found[keys[i]] for i in rows]]
    progress("forecasts", 1, 5)
    fitted = forecast(matrix, start.weekday())
    progress("lead times", 2, 5)
    terms = data.purchase_terms(product_ids)
    leads = lead_times_for({(t.vendor_id, p) for p, t in terms.items()})
    lead_times = [leads.get((terms[p].vendor_id, p)) if p in terms else None for p, _ in keys]
    lead_days = np.array([lt.days if lt else NO_TERMS_LEAD_DAYS for lt in lead_times], dtype=np.float64)
    sigma_lead = np.array([lt.sigma_days if lt else 0.0 for lt in lead_times], dtype=np.float64)
    demand = fitted.mean_over(lead_days.astype(np.int64)) if keys else np.zeros(0)
    progress("positions", 3, 5)
    positions = data.positions(keys)
    incoming, outgoing = _own_transfers(product_ids, site_ids, today)
    zero = Decimal(0)
    available = np.array(
        [float(positions[k].on_hand - positions[k].reserved) if k in positions else 0.0 for k in keys]
    )
    coming = np.array(
        [
            float((positions[k].on_order + positions[k].requisitioned) if k in positions else zero)
            + float(incoming.get(k, zero) - outgoing.get(k, zero))
            for k in keys
        ]
    )
    free = available - np.array([float(outgoing.get(k, zero)) for k in keys])
    products = data.products(product_ids)
    unit_cost = np.array([float(products[p].unit_cost) if p in products else 0.0 for p, _ in keys])
    limits = [settings.min_max.get(k) for k in keys]
    progress("policy", 4, 5)
    planned = policy(
        PolicyInputs(
            demand=demand,
            sigma_demand=fitted.sigma,
            lead_days=lead_days,
            sigma_lead=sigma_lead,
            position=available + coming,
            unit_cost=unit_cost,
            minimum=np.array([float(m[0]) if m else np.nan for m in limits]),
            maximum=np.array([float(m[1]) if m else np.nan for m in limits]),
        ),
        PolicySettings(
            service_level=settings.service_level,
            review_days=settings.review_days,
            ordering_cost=settings.ordering_cost,
            holding_rate=settings.holding_rate,
        ),
    )
    progress("planned", 5, 5)
    return Plan(
        today=today,
        history_start=start,
        history=matrix,
        keys=keys,
        forecasts=fitted,
        demand=demand,
        lead_days=lead_days,
        lead_times=lead_times,
        available=available,
        in_progress=coming,
        free=free,
        position=available + coming,
        policy=planned,
        settings=settings,
        terms=terms,
        products=products,
        sites=sites,
    )


def _own_transfers(
    product_ids: list[int], site_ids: list[int], today: dt.date
) -> tuple[dict[Series, Decimal], dict[Series, Decimal]]:
    """Open transfers coming into each series, and draft transfers leaving it."""
    incoming: dict[Series, Decimal] = defaultdict(Decimal)
    outgoing: dict[Series, Decimal] = defaultdict(Decimal)
    end = today + dt.timedelta(days=OPEN_HORIZON_DAYS)
    for row in transfer_rows(product_ids, site_ids, today, end):
        key = (row.product_id, row.warehouse_id)
        if row.kind == TRANSFER_IN:
            incoming[key] += row.quantity
        else:
            outgoing[key] -= row.quantity
    return incoming, outgoing
