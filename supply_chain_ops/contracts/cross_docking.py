"""What cross-docking needs from the domains: the goods a receipt brought in, the sales-order
lines waiting for that product, and staging goods for them (moved and pinned in one call)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ReceivedGoods:
    """Goods one receipt move brought into a warehouse, and whether they may be cross-docked.

    ``stageable`` is what of them can still go to staging now: the goods still at the receipt's
    stock location that nobody has reserved meanwhile (zero when the warehouse does not
    cross-dock, the goods did not land in a stock location, or it has no staging location).
    """

    move_id: int
    product_id: int
    sku: str
    unit: str
    warehouse_id: int
    location_id: int
    staging_location_id: int | None  # None when the warehouse does not cross-dock (or cannot)
    quantity: Decimal
    stageable: Decimal


@dataclass(frozen=True)
class WaitingLine:
    """An open, confirmed sales-order line for the product in the warehouse, short of stock."""

    line_id: int
    order_id: int
    order_number: str
    promised_date: dt.date
    needed: Decimal


@dataclass(frozen=True)
class StageRequest:
    """Goods to stage for one sales-order line, needed by ``required_date``."""

    line_id: int
    quantity: Decimal
    required_date: dt.date


@dataclass(frozen=True)
class CrossDockRef:
    """The record the staging moves name as their document."""

    document_type: str
    document_id: int


class CrossDockStock(Protocol):
    """The domains' side of cross-docking (``adapters.supply_chain_cross_docking``)."""

    def lock_received(self, move_id: int) -> ReceivedGoods | None:
        """The goods of receipt move ``move_id`` (None when it is no receipt of this tenant).

        Locks the product's availability row in the warehouse first, so what it answers as
        ``stageable`` and the waiting lines read next stay true until the transaction ends.
        """

    def waiting_lines(self, product_id: int, warehouse_id: int) -> list[WaitingLine]:
        """Open confirmed sales-order lines for the product shipped from the warehouse whose open
        quantity is not all reserved, oldest promised date first (then order, then line)."""

    def stage(
        self, goods: ReceivedGoods, requests: Sequence[StageRequest], document: CrossDockRef, *, actor: Any
    ) -> dict[int, int]:
        """Move the requested goods from the receipt's location to staging and pin a reservation
        for each line to them, all or none; return each line's reservation id."""
