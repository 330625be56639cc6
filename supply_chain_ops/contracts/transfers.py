"""What transfer orders need from inventory: facts about products and warehouses, and stock
reserved, shipped into transit, received out of it and written off — one call per step, for all
of a transfer's lines at once."""

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

#: Given ids of a workflow's lines, those that exist in the current tenant.
LineResolver = Callable[[frozenset[int]], Collection[int]]


@dataclass(frozen=True)
class ProductFacts:
    """What a transfer line snapshots and checks of a product."""

    id: int
    sku: str
    unit: str
    unit_decimals: int
    active: bool


@dataclass(frozen=True)
class WarehouseFacts:
    """What a transfer checks of a warehouse: whether it can hold stock (physical) and is active."""

    id: int
    code: str
    holds_stock: bool
    active: bool


@dataclass(frozen=True)
class LineQuantity:
    """A quantity of one transfer line's product."""

    line_id: int
    product_id: int
    quantity: Decimal


@dataclass(frozen=True)
class TransferRef:
    """The transfer the stock moves name as their document, and its lines' reservation type."""

    document_type: str
    document_id: int
    line_source_type: str


@dataclass(frozen=True)
class SupplyDemandRow:
    """Supply (positive) or demand (negative) of a product in a warehouse on a day, by kind."""

    product_id: int
    warehouse_id: int
    date: dt.date
    kind: str
    quantity: Decimal


@dataclass(frozen=True)
class DailyTotals:
    """Supply and demand summed per product, warehouse and day, as parallel numpy arrays.

    One entry per sum the database answered (a pair and day may have several, of different
    kinds). ``day`` counts days from the start asked for (overdue sums are day 0); quantities are
    integers in ten-thousandths of a unit (the stock ledger's scale): ``supply`` and ``demand``
    not negative, ``stock`` the part of ``supply`` already in the warehouse (on hand, staged).
    """

    product_id: npt.NDArray[np.int64]
    warehouse_id: npt.NDArray[np.int64]
    day: npt.NDArray[np.int64]
    supply: npt.NDArray[np.int64]
    demand: npt.NDArray[np.int64]
    stock: npt.NDArray[np.int64]


class DomainSupplyDemand(Protocol):
    """The domains' supply and demand (on hand, reservations, purchases, sales)."""

    def daily_totals(
        self, product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
    ) -> DailyTotals:
        """Every domain's sums between ``start`` and ``end``, aggregated by the database.

        A constant number of queries; each unit of demand counted once (a reserved sales line
        is its reservation, not also its line).
        """

    def rows(
        self, product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
    ) -> list[SupplyDemandRow]:
        """Every domain row between ``start`` and ``end`` (overdue ones dated ``start``)."""


class TransferStock(Protocol):
    """Inventory's side of a transfer order (``adapters.supply_chain_transfers``)."""

    def register_line_source(self, source_type: str, resolver: LineResolver) -> None:
        """Let reservations be made for transfer lines (at start-up)."""

    def products(self, product_ids: Collection[int]) -> Mapping[int, ProductFacts]:
        """The products that exist in the current tenant, by id."""

    def warehouses(self, warehouse_ids: Collection[int]) -> Mapping[int, WarehouseFacts]:
        """The warehouses that exist in the current tenant, by id."""

    def reserve(
        self,
        transfer: TransferRef,
        warehouse_id: int,
        required_date: dt.date,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
    ) -> None:
        """Reserve every line at the source, all or none (409 ``insufficient_stock``)."""

    def release(self, transfer: TransferRef, line_ids: Sequence[int], *, actor: Any, reason: str) -> None:
        """Release the lines' open reservations."""

    def ship(
        self, transfer: TransferRef, warehouse_id: int, lines: Sequence[LineQuantity], *, actor: Any
    ) -> None:
        """Consume the lines' reservations and move the goods from the source's stock into its
        transit location, all or none."""

    def receive(
        self,
        transfer: TransferRef,
        source_warehouse_id: int,
        destination_warehouse_id: int,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
    ) -> None:
        """Move the goods from the source's transit location into the destination's stock."""

    def write_off(
        self,
        transfer: TransferRef,
        warehouse_id: int,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
        note: str,
    ) -> None:
        """Take goods that never arrived out of the source's transit location (an adjustment)."""
