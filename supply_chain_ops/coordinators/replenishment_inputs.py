"""The lead times replenishment plans with: the one seam between planning and lead-time data.

Each (vendor, product) pair gets what ``coordinators.lead_times.lead_time_estimates`` learnt
from its receipt history (mean, spread and the days to plan with, peak buffer included), or the
vendor's quoted lead time with no spread while that history is thin.
"""

from collections.abc import Collection
from dataclasses import dataclass

from .lead_times import lead_time_estimates


@dataclass(frozen=True)
class LeadTime:
    """How long a vendor takes to deliver a product: whole days to plan with, mean and spread."""

    days: int
    mean_days: float
    sigma_days: float
    source: str


def lead_times_for(pairs: Collection[tuple[int, int]]) -> dict[tuple[int, int], LeadTime]:
    """Lead times by (vendor id, product id), in one call for every pair."""
    return {
        pair: LeadTime(estimate.days, estimate.mean_days, estimate.sigma_days, estimate.source)
        for pair, estimate in lead_time_estimates(pairs).items()
    }
