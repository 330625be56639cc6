"""Lead-time statistics from delivery history (no ORM).

Promised lead time = ceil(mean + z * sigma) of the actual days from order to receipt, so that a
share of deliveries given by ``z`` (1.65: about 95 %) arrives within it. While history is thin
the vendor's quoted lead time stands instead. Confidence blends punctuality (the on-time rate)
with steadiness (1 / (1 + coefficient of variation)); a quoted lead time gets a flat 0.5.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HISTORY = "history"
QUOTED = "quoted"
QUOTED_CONFIDENCE = 0.5


@dataclass(frozen=True)
class LeadTimeEstimate:
    """What a vendor takes to deliver a product, and how far that can be trusted."""

    days: int
    mean_days: float
    sigma_days: float
    on_time_rate: float | None
    confidence: float
    source: str  # "history" or "quoted"
    receipts_counted: int = 0


@dataclass(frozen=True)
class Delivery:
    """One delivered purchase line: ordered, expected and received dates."""

    ordered: dt.date
    expected: dt.date
    received: dt.date


def estimate(
    deliveries: Sequence[Delivery], quoted_days: int, *, min_receipts: int, z: float
) -> LeadTimeEstimate:
    """The lead time of one vendor and product from its deliveries, or the quoted one if too few."""
    if len(deliveries) < max(min_receipts, 1):
        return quoted(quoted_days, receipts_counted=len(deliveries))
    actual = np.array([(d.received - d.ordered).days for d in deliveries], dtype=np.float64)
    actual = np.maximum(actual, 0)
    mean = float(actual.mean())
    sigma = float(actual.std(ddof=1)) if len(actual) > 1 else 0.0
    on_time = sum(d.received <= d.expected for d in deliveries) / len(deliveries)
    steadiness = 1 / (1 + sigma / mean) if mean > 0 else 1.0
    return LeadTimeEstimate(
        days=math.ceil(round(mean + z * sigma, 6)),
        mean_days=round(mean, 2),
        sigma_days=round(sigma, 2),
        on_time_rate=round(on_time, 4),
        confidence=round((on_time + steadiness) / 2, 4),
        source=HISTORY,
        receipts_counted=len(deliveries),
    )


def quoted(quoted_days: int, *, receipts_counted: int = 0) -> LeadTimeEstimate:
    """The vendor's quoted lead time, taken as it is."""
    return LeadTimeEstimate(
        days=quoted_days,
        mean_days=float(quoted_days),
        sigma_days=0.0,
        on_time_rate=None,
        confidence=QUOTED_CONFIDENCE,
        source=QUOTED,
        receipts_counted=receipts_counted,
    )


def peak_buffer(day: dt.date, periods: Sequence[tuple[dt.date, dt.date, int]]) -> int:
    """The largest buffer of the peak periods ``(start, end, days)`` that contain ``day``."""
    return max((days for start, end, days in periods if start <= day <= end), default=0)
