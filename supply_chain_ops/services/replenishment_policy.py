"""Safety stock, reorder point and order quantity per series — pure arithmetic, no ORM.

With daily demand ``d`` (forecast), its daily error ``sd`` (sigma of d), a lead time of ``L`` days and its
standard deviation ``sL``, and the ``z`` of the service level:

- safety stock ``SS = z·sqrt(L·sd² + d²·sL²)``, reorder point ``ROP = d·L + SS``;
- order-up-to level ``S = ROP + d·R`` for a review period of ``R`` days; below the reorder point
  the order brings the position up to ``S``;
- with an ordering cost ``K`` per order and a holding rate ``h`` per year of the unit cost ``c``,
  the economic order quantity ``EOQ = sqrt(2·D·K / (h·c))`` (``D = 365·d``) replaces ``S``:
  the order is ``max(EOQ, ROP - position)``, and ``S`` becomes ``ROP + EOQ``;
- where the tenant sets a plain min/max for a series, ``ROP = min`` and ``S = max``.

Quantities are then raised to the vendor's minimum order quantity and rounded up to its order
multiple (``round_order``), exactly, in ``Decimal``.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
DAYS_PER_YEAR = 365


def service_z(service_level: float) -> float:
    """The standard normal quantile of a cycle service level strictly between 0 and 1."""
    if not 0 < service_level < 1:
        raise ValueError("the service level is a probability strictly between 0 and 1")
    return NormalDist().inv_cdf(service_level)


def safety_stock(
    z: float, demand: FloatArray, sigma_demand: FloatArray, lead_days: FloatArray, sigma_lead: FloatArray
) -> FloatArray:
    """``z·sqrt(L·sd² + d²·sL²)`` per series."""
    return z * np.sqrt(lead_days * sigma_demand**2 + demand**2 * sigma_lead**2)


def reorder_point(demand: FloatArray, lead_days: FloatArray, safety: FloatArray) -> FloatArray:
    """``d·L + SS`` per series."""
    return demand * lead_days + safety


def eoq(demand: FloatArray, ordering_cost: float, holding_rate: float, unit_cost: FloatArray) -> FloatArray:
    """``sqrt(2·D·K / (h·c))`` per series with ``D = 365·d``; 0 where it is undefined."""
    holding = holding_rate * unit_cost
    annual = DAYS_PER_YEAR * demand
    return np.sqrt(
        np.divide(2 * annual * ordering_cost, holding, out=np.zeros_like(demand), where=holding > 0)
    )


@dataclass(frozen=True)
class PolicyInputs:
    """Per series (aligned arrays): the forecast, the lead time, what is in progress, the costs."""

    demand: FloatArray
    sigma_demand: FloatArray
    lead_days: FloatArray
    sigma_lead: FloatArray
    position: FloatArray
    unit_cost: FloatArray
    minimum: FloatArray  # NaN where no plain min/max is set
    maximum: FloatArray


@dataclass(frozen=True)
class PolicySettings:
    """The tenant's replenishment policy."""

    service_level: float = 0.95
    review_days: int = 7
    ordering_cost: float | None = None  # EOQ when both this and the holding rate are set
    holding_rate: float | None = None


@dataclass(frozen=True)
class Policy:
    """Per series: safety stock, reorder point, order-up-to level, and the quantity wanted
    (before rounding; 0 where the position is above the reorder point)."""

    safety_stock: FloatArray
    reorder_point: FloatArray
    order_up_to: FloatArray
    eoq: FloatArray  # NaN where EOQ is not used
    wanted: FloatArray
    below: npt.NDArray[np.bool_]


def policy(inputs: PolicyInputs, settings: PolicySettings) -> Policy:
    """Every series' reorder point, order-up-to level and the quantity it wants now."""
    z = service_z(settings.service_level)
    safety = safety_stock(z, inputs.demand, inputs.sigma_demand, inputs.lead_days, inputs.sigma_lead)
    rop = reorder_point(inputs.demand, inputs.lead_days, safety)
    use_eoq = settings.ordering_cost is not None and settings.holding_rate is not None
    economic = np.full_like(rop, np.nan)
    if use_eoq:
        economic = eoq(
            inputs.demand,
            float(settings.ordering_cost or 0),
            float(settings.holding_rate or 0),
            inputs.unit_cost,
        )
        up_to = rop + economic
    else:
        up_to = rop + inputs.demand * settings.review_days
    plain = ~np.isnan(inputs.minimum)
    rop = np.where(plain, inputs.minimum, rop)
    up_to = np.where(plain, inputs.maximum, up_to)
    safety = np.where(plain, 0.0, safety)
    economic = np.where(plain, np.nan, economic)
    below = (inputs.position < rop) | ((inputs.position <= rop) & plain)
    gap = up_to - inputs.position
    if use_eoq:
        gap = np.where(plain, gap, np.maximum(economic, rop - inputs.position))
    wanted = np.where(below & (rop > 0), np.maximum(gap, 0.0), 0.0)
    return Policy(safety, rop, up_to, economic, wanted, below & (wanted > 0))


def round_order(wanted: Decimal, minimum: Decimal, multiple: Decimal, unit_decimals: int = 4) -> Decimal:
    """``wanted`` raised to ``minimum`` and rounded up to ``multiple`` (and to the unit's places)."""
    quantity = max(wanted, minimum)
    if multiple > 0:
        quantity = (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
    step = Decimal(1).scaleb(-unit_decimals)
    return (quantity / step).to_integral_value(rounding=ROUND_CEILING) * step
