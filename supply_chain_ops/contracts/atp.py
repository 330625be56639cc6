"""What available-to-promise, promises, lead times and sourcing need from the domains.

Batch-shaped: every method takes ids and answers a mapping in a constant number of queries.
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ProductRef:
    """A product as ATP names it."""

    id: int
    sku: str
    name: str
    unit: str
    unit_decimals: int


@dataclass(frozen=True)
class WarehouseSite:
    """A warehouse that holds stock, with its position for great-circle distances."""

    id: int
    code: str
    name: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class SalesLineFacts:
    """A sales-order line as a promise sees it.

    ``counted_demand`` is what the domains already count as this line's sales demand (its
    unreserved open quantity on a confirmed order), dated ``demand_date``; zero for a draft.
    """

    id: int
    order_id: int
    order_number: str
    order_confirmed: bool
    order_draft: bool
    product_id: int
    warehouse_id: int | None
    quantity: Decimal
    open_quantity: Decimal
    counted_demand: Decimal
    demand_date: dt.date
    requested_date: dt.date


@dataclass(frozen=True)
class LineReservationRequest:
    """Reserve up to ``quantity`` of a sales line's product in ``warehouse_id`` for the line."""

    line_id: int
    product_id: int
    warehouse_id: int
    quantity: Decimal
    required_date: dt.date


@dataclass(frozen=True)
class OrderForSourcing:
    """A sales order as regional sourcing sees it: where it goes, what it needs, by when."""

    id: int
    number: str
    draft: bool
    latitude: float | None
    longitude: float | None
    lines: tuple["SourcingLine", ...]


@dataclass(frozen=True)
class SourcingLine:
    id: int
    product_id: int
    quantity: Decimal
    requested_date: dt.date
    warehouse_id: int | None
    dropship: bool


@dataclass(frozen=True)
class ReceiptHistory:
    """One delivered purchase line: ordered on ``ordered``, expected on ``expected``, arrived ``received``."""

    vendor_id: int
    product_id: int
    ordered: dt.date
    expected: dt.date
    received: dt.date


@dataclass(frozen=True)
class QuotedTerms:
    """A vendor's active terms for a product: the quoted lead time and its rank."""

    vendor_id: int
    product_id: int
    lead_time_days: int
    priority: int


@dataclass(frozen=True)
class VendorDeliveryStatistics:
    on_time_rate: Decimal
    average_lead_time_days: Decimal
    receipts_counted: int


@dataclass(frozen=True)
class PeakPeriod:
    """Days (inclusive, any year when ``yearly``) in which lead times get ``buffer_days`` more."""

    start: dt.date
    end: dt.date
    buffer_days: int


@dataclass(frozen=True)
class AtpPolicy:
    """The tenant's settings for promising (tenant policies, with defaults)."""

    horizon_days: int = 90
    min_receipts: int = 3
    service_z: float = 1.65
    peak_periods: tuple[PeakPeriod, ...] = ()
    allow_split: bool = False
    quote_validity_hours: int = 48


class AtpDomain(Protocol):
    """The domains' side of ATP and promising (``adapters.supply_chain_atp``)."""

    def policy(self) -> AtpPolicy:
        """The current tenant's promising policy."""

    def products(self, product_ids: Collection[int]) -> Mapping[int, ProductRef]:
        """The products of the current tenant, by id."""

    def products_by_sku(self, skus: Collection[str]) -> Mapping[str, ProductRef]:
        """The products of the current tenant by SKU (exact, case-insensitive)."""

    def stock_warehouses(self, warehouse_ids: Collection[int] | None = None) -> Mapping[int, WarehouseSite]:
        """Active warehouses that hold stock, by id (all of them when ``warehouse_ids`` is None)."""

    def sales_lines(self, line_ids: Collection[int]) -> Mapping[int, SalesLineFacts]:
        """Sales-order lines of the current tenant, by id."""

    def reserve_for_lines(self, requests: Sequence[LineReservationRequest], *, actor: Any) -> list[Decimal]:
        """Reserve as much of each request as is free (inventory's ``reserve_up_to``); what each got.

        Locks the availability rows involved.
        """

    def order_for_sourcing(self, order_id: int) -> OrderForSourcing | None:
        """A sales order with its customer's coordinates and lines."""

    def set_line_warehouses(self, order_id: int, warehouses: Mapping[int, int], *, actor: Any) -> None:
        """Set the warehouse of lines of a draft order (line id -> warehouse id); 409 unless draft."""


class LeadTimeDomain(Protocol):
    """Procurement's side of dynamic lead times (``adapters.supply_chain_atp``)."""

    def receipt_history(self, vendor_ids: Collection[int] | None, since: dt.date) -> list[ReceiptHistory]:
        """Delivered purchase lines received since ``since`` (of the vendors, or of all).

        Goods receipts of purchase orders and delivered dropship purchase lines alike.
        """

    def quoted_terms(self, product_ids: Collection[int] | None) -> list[QuotedTerms]:
        """Active vendor terms of the products (of every product when None)."""

    def record_vendor_statistics(
        self, statistics: Mapping[int, VendorDeliveryStatistics], *, actor: Any
    ) -> int:
        """Store vendor-level delivery statistics (procurement's ``record_vendor_statistics``)."""
