"""Pure valuation arithmetic: spreading a warehouse's value over its locations, FIFO consumption.

No database here, so the command that checks the ledger and the services that post moves use
the very same rules.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal, localcontext

from nexus.inventory.quantities import VALUE_PLACES, ZERO

_VALUE_QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)


def spread_value(total_value: Decimal, quantities: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Split ``total_value`` over keys in proportion to their quantities, summing exactly.

    Largest remainder in units of the value scale: each key gets the floor of its exact share,
    and the units left over go one each to the largest fractional parts (ties to the smaller
    key), so the result is deterministic and every share is within one unit of exact. Keys
    with no quantity get zero.
    """
    result = dict.fromkeys(quantities, ZERO.quantize(_VALUE_QUANTUM))
    total_quantity = sum((q for q in quantities.values() if q > 0), ZERO)
    if total_quantity <= 0 or total_value == 0:
        return result
    units = int((total_value / _VALUE_QUANTUM).to_integral_value())
    holders = [key for key, quantity in quantities.items() if quantity > 0]
    if len(holders) == 1:  # the common case, and the answer of the loop below for it
        result[holders[0]] = Decimal(units) * _VALUE_QUANTUM
        return result
    remainders: list[tuple[Decimal, int]] = []
    given = 0
    with localcontext(prec=60):
        for key, quantity in sorted(quantities.items()):
            if quantity <= 0:
                continue
            exact = Decimal(units) * quantity / total_quantity
            floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
            result[key] = Decimal(floor) * _VALUE_QUANTUM
            given += floor
            remainders.append((exact - floor, key))
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _, key in remainders[: units - given]:
        result[key] += _VALUE_QUANTUM
    return result


@dataclass(eq=False)
class OpenLayer:
    """A cost layer with goods remaining, as the FIFO consumer sees it (``id`` 0 until inserted)."""

    id: int
    unit_cost: Decimal
    remaining: Decimal
    received_at: datetime
    origin_move_id: int = 0


def add_layer(layers: list[OpenLayer], layer: OpenLayer) -> None:
    """Insert ``layer`` in FIFO order (by receipt time; after layers received at the same time)."""
    position = len(layers)
    while position > 0 and layers[position - 1].received_at > layer.received_at:
        position -= 1
    layers.insert(position, layer)


def consume_fifo(layers: Sequence[OpenLayer], quantity: Decimal) -> list[tuple[OpenLayer, Decimal]]:
    """Take ``quantity`` from ``layers`` (oldest first), reducing their ``remaining`` in place.

    Returns the (layer, quantity taken) pairs. Raises ``ValueError`` when the layers hold less
    than ``quantity``: the caller has checked on-hand stock, so that means the layers and the
    balances disagree, which ``check_stock_ledger`` reports.
    """
    taken: list[tuple[OpenLayer, Decimal]] = []
    left = quantity
    for layer in layers:
        if left <= 0:
            break
        if layer.remaining <= 0:
            continue
        take = min(layer.remaining, left)
        layer.remaining -= take
        left -= take
        taken.append((layer, take))
    if left > 0:
        raise ValueError(f"cost layers are short by {left}: they disagree with the balances")
    return taken
