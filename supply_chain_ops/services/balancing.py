"""Matching a product's deficits to its surpluses, nearest first — pure arithmetic, no ORM.

A warehouse whose position is below its reorder point is a deficit that wants to be filled up
to its order-up-to level; one whose free stock is above its order-up-to level has the excess to
give. Pairs within the distance limit are taken nearest first, each move the smaller of what
the deficit still needs and what the surplus can still give, and both are decremented: no
surplus goes below its level, no deficit above its target, whatever the order of the input.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

EARTH_RADIUS_KM = 6371.0088


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (latitude, longitude) points; None if one is unknown."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Need:
    """A deficit: ``quantity`` wanted at ``warehouse_id`` (up to its order-up-to level)."""

    warehouse_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Excess:
    """A surplus: ``quantity`` above the order-up-to level of ``warehouse_id``."""

    warehouse_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Move:
    source_warehouse_id: int
    destination_warehouse_id: int
    quantity: Decimal
    distance_km: float


def match(
    needs: Sequence[Need],
    excesses: Sequence[Excess],
    distances: dict[tuple[int, int], float | None],
    limit_km: float | None,
    places: int = 4,
) -> list[Move]:
    """Moves from surpluses to deficits, nearest pair first (ties by warehouse ids).

    ``distances`` is keyed by (source, destination); an unknown distance never matches, and a
    pair further than ``limit_km`` (when set) neither. Quantities are floored to ``places``.
    """
    step = Decimal(1).scaleb(-places)
    left_need = {n.warehouse_id: n.quantity for n in needs if n.quantity > 0}
    left_excess = {e.warehouse_id: e.quantity for e in excesses if e.quantity > 0}
    pairs = sorted(
        (distance, source, destination)
        for source in left_excess
        for destination in left_need
        if source != destination
        and (distance := distances.get((source, destination))) is not None
        and (limit_km is None or distance <= limit_km)
    )
    moves = []
    for distance, source, destination in pairs:
        quantity = min(left_need[destination], left_excess[source])
        quantity = (quantity / step).to_integral_value(rounding=ROUND_FLOOR) * step
        if quantity <= 0:
            continue
        left_need[destination] -= quantity
        left_excess[source] -= quantity
        moves.append(Move(source, destination, quantity, distance))
    return moves


def distance_table(
    points: dict[int, tuple[float, float] | None], pairs: Iterable[tuple[int, int]] | None = None
) -> dict[tuple[int, int], float | None]:
    """Distances between warehouses (all ordered pairs, or the given ones)."""
    keys = pairs if pairs is not None else ((a, b) for a in points for b in points if a != b)
    return {(a, b): distance_km(points.get(a), points.get(b)) for a, b in keys}
