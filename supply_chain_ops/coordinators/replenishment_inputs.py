"""The lead times replenishment plans with: the one seam between planning and lead-time data.

For now every (vendor, product) pair gets the vendor's quoted lead time with no spread
(``sigma_days = 0``), read through the replenishment contract. When dynamic lead times from
receipt history are available (``coordinators.lead_times.lead_time_estimates``), only the body of
``lead_times_for`` changes: it returns their ``days``, ``mean_days`` and ``sigma_days``.
"""

from collections.abc import Collection
from dataclasses import dataclass

from supply_chain_ops import wiring

QUOTED = "quoted"


@dataclass(frozen=True)
class LeadTime:
    """How long a vendor takes to deliver a product: whole days to plan with, mean and spread."""

    days: int
    mean_days: float
    sigma_days: float
    source: str


def lead_times_for(pairs: Collection[tuple[int, int]]) -> dict[tuple[int, int], LeadTime]:
    """Lead times by (vendor id, product id), in one call for every pair."""
    quoted = wiring.replenishment_data().quoted_lead_times(pairs)
    return {pair: LeadTime(days, float(days), 0.0, QUOTED) for pair, days in quoted.items()}
