"""The figures a suggestion line keeps and the sentence that explains it, from a plan's series."""

from decimal import Decimal
from typing import Any

from supply_chain_ops.coordinators.replenishment_plan import NO_TERMS, Plan
from supply_chain_ops.services.forecasting import METHODS

from .planning import ProposedMove

FOUR = Decimal("0.0001")


def _d(value: float) -> Decimal:
    return Decimal(str(round(float(value), 4))).quantize(FOUR)


def _n(value: float | Decimal) -> str:
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


def figures(plan: Plan, i: int) -> dict[str, Any]:
    """The explanation fields of ``ReplenishmentLine`` for series ``i``."""
    lead = plan.lead_times[i]
    eoq = plan.policy.eoq[i]
    return {
        "method": METHODS[int(plan.forecasts.method[i])].value,
        "forecast_daily": _d(plan.demand[i]),
        "sigma_daily": _d(plan.forecasts.sigma[i]),
        "lead_time_days": int(plan.lead_days[i]),
        "lead_time_sigma": _d(lead.sigma_days if lead else 0.0),
        "lead_time_source": lead.source if lead else NO_TERMS,
        "safety_stock": _d(plan.policy.safety_stock[i]),
        "reorder_point": _d(plan.policy.reorder_point[i]),
        "order_up_to": _d(plan.policy.order_up_to[i]),
        "eoq": None if eoq != eoq else _d(eoq),  # NaN: EOQ not used
        "on_hand": _d(plan.available[i]),
        "in_progress": _d(plan.in_progress[i]),
        "position": _d(plan.position[i]),
    }


def _why(plan: Plan, i: int) -> str:
    f = figures(plan, i)
    lead = f"lead time {f['lead_time_days']} days ({f['lead_time_source']}, sigma {_n(f['lead_time_sigma'])})"
    if plan.settings.min_max.get(plan.keys[i]):
        rule = f"plain min/max: reorder at {_n(f['reorder_point'])}, fill to {_n(f['order_up_to'])}"
    else:
        rule = (
            f"safety stock {_n(f['safety_stock'])} = z x sqrt(L x sigma_d^2 + d^2 x sigma_L^2) at "
            f"{plan.settings.service_level:.1%} service; "
            f"reorder point {_n(f['reorder_point'])} = d x L + SS; "
            + (
                f"EOQ {_n(f['eoq'])}, order-up-to {_n(f['order_up_to'])}"
                if f["eoq"] is not None
                else f"order-up-to {_n(f['order_up_to'])} = ROP + d x {plan.settings.review_days} review days"
            )
        )
    return (
        f"Forecast {_n(f['forecast_daily'])}/day ({f['method']}, sigma {_n(f['sigma_daily'])}/day); {lead}; "
        f"{rule}. Position {_n(f['position'])} = available {_n(f['on_hand'])} + in progress "
        f"{_n(f['in_progress'])} is below the reorder point; wanted {_n(plan.policy.wanted[i])}."
    )


def explain_purchase(plan: Plan, i: int, rest: Decimal, quantity: Decimal) -> str:
    """Why buy ``quantity`` (the ``rest`` not covered by transfers, after rounding)."""
    product_id = plan.keys[i][0]
    terms = plan.terms.get(product_id)
    if terms is None:
        vendor = "No vendor terms: the requisition needs a vendor before it converts"
    else:
        vendor = (
            f"Buy from {terms.vendor_code}: {_n(rest)} raised to the minimum "
            f"{_n(terms.minimum_order_quantity)} "
            f"and rounded up to the multiple {_n(terms.order_multiple)}"
        )
    return f"{_why(plan, i)} {vendor}: {_n(quantity)}."


def explain_transfer(plan: Plan, i: int, move: ProposedMove) -> str:
    """Why move ``move.quantity`` from another warehouse instead of buying it."""
    codes = {s.id: s.code for s in plan.sites}
    return (
        f"{_why(plan, i)} Transfer before buy: {codes.get(move.source_warehouse_id, '?')} "
        "holds more than its "
        f"order-up-to level, {_n(move.distance_km)} km away (within "
        f"{_n(plan.settings.transfer_distance_km or 0)} km): transfer {_n(move.quantity)}."
    )
