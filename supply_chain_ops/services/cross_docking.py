"""How a receipt's goods are shared among the orders waiting for them (pure; no ORM)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Waiting:
    """An order line short of ``needed``, promised for ``promised_date``."""

    line_id: int
    promised_date: dt.date
    needed: Decimal


def allocate_to_waiting(quantity: Decimal, waiting: Sequence[Waiting]) -> list[tuple[int, Decimal]]:
    """Share ``quantity`` among the waiting lines, oldest promised date first (then the order
    given), ``min(needed, remaining)`` each, until it runs out; lines that get nothing are left
    out. The parts never add up to more than ``quantity`` nor give a line more than it needs."""
    remaining = max(quantity, Decimal(0))
    parts = []
    for line in sorted(waiting, key=lambda w: w.promised_date):  # stable: ties keep their order
        if remaining <= 0:
            break
        take = min(line.needed, remaining)
        if take > 0:
            parts.append((line.line_id, take))
            remaining -= take
    return parts
