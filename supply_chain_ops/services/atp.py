"""Available-to-promise netting over daily buckets, for many series at once (numpy, no ORM).

A demand takes the free supply of its own bucket, then of earlier buckets (latest first); what
is still uncovered is a backlog that takes the earliest later supply. The free supply left in
each bucket, accumulated, is the cumulative ATP curve. That greedy netting has a closed form:
with ``C`` the running sum of supply - demand, the cumulative ATP at day ``t`` is
``max(0, min(C[t:]))`` — what can be taken by day ``t`` without starving any demand, then or
later. So one reversed running minimum nets every product and warehouse at once.

Quantities are integers in the smallest unit (the caller scales decimals), so the netting is
exact; the curve never decreases and its last value is ``max(0, Σ supply - Σ demand)``.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: The promise index of a quantity the horizon cannot cover.
BEYOND_HORIZON = -1

Quantities = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Netting:
    """The result for series of shape ``(..., days)``: free supply per bucket and its running sum."""

    free: Quantities
    cumulative: Quantities

    @property
    def promisable(self) -> Quantities:
        """The most that can ever be promised per series: the curve's last value."""
        return self.cumulative[..., -1]


def net(supply: npt.ArrayLike, demand: npt.ArrayLike) -> Netting:
    """Net demand against supply with backward consumption and a forward backlog.

    ``supply`` and ``demand`` are non-negative integer arrays of the same shape ``(..., days)``
    with at least one day. Raises ``ValueError`` for a shape mismatch, no days or a negative
    quantity.
    """
    s = np.asarray(supply, dtype=np.int64)
    d = np.asarray(demand, dtype=np.int64)
    if s.shape != d.shape or s.ndim == 0 or s.shape[-1] == 0:
        raise ValueError("supply and demand need the same shape, with at least one day")
    if (s < 0).any() or (d < 0).any():
        raise ValueError("supply and demand cannot be negative")
    running = np.cumsum(s - d, axis=-1)
    suffix_min = np.flip(np.minimum.accumulate(np.flip(running, axis=-1), axis=-1), axis=-1)
    cumulative = np.maximum(suffix_min, 0)
    free = np.diff(cumulative, axis=-1, prepend=0)
    return Netting(free=free, cumulative=cumulative)


def promise_index(cumulative: npt.ArrayLike, quantity: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """The first bucket where the cumulative ATP reaches ``quantity``, per series.

    ``quantity`` broadcasts against the series (one per series or one for all); a series that
    never reaches it gets ``BEYOND_HORIZON``. The curve never decreases, so a binary search
    per series suffices; it is done for all series at once.
    """
    curve = np.asarray(cumulative, dtype=np.int64)
    wanted = np.broadcast_to(np.asarray(quantity, dtype=np.int64), curve.shape[:-1])
    reached = curve >= wanted[..., np.newaxis]
    first = np.argmax(reached, axis=-1)
    return np.where(reached.any(axis=-1), first, BEYOND_HORIZON)
