"""What replenishment and balancing need from the domains: demand history, stock positions,
purchase terms, sites, the tenant's policy, and requisitions for what is released — each one
call for every series at once."""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Series = tuple[int, int]  # (product id, warehouse id)


@dataclass(frozen=True)
class DemandHistory:
    """Daily demand (shipments and issues) per series: row ``i`` of ``quantities`` is ``keys[i]``,
    column ``j`` the day ``start + j``."""

    start: dt.date
    keys: list[Series]
    quantities: npt.NDArray[np.float64]


@dataclass(frozen=True)
class StockPosition:
    """What a series has and has coming, not counting the orchestrator's own transfers."""

    on_hand: Decimal = Decimal(0)  # sellable on hand
    reserved: Decimal = Decimal(0)
    on_order: Decimal = Decimal(0)  # open purchase-order lines not yet received
    requisitioned: Decimal = Decimal(0)  # draft and approved requisitions not yet converted


@dataclass(frozen=True)
class PurchaseTerms:
    """A product's preferred vendor and how it must be ordered from them."""

    product_id: int
    vendor_id: int
    vendor_code: str
    minimum_order_quantity: Decimal
    order_multiple: Decimal
    lead_time_days: int


@dataclass(frozen=True)
class PlanningProduct:
    """What a suggestion line snapshots and computes with of a product."""

    id: int
    sku: str
    unit: str
    unit_decimals: int
    unit_cost: Decimal


@dataclass(frozen=True)
class Site:
    """A warehouse that holds stock, with its place for distances (None where unknown)."""

    id: int
    code: str
    latitude: float | None
    longitude: float | None

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class ReplenishmentPolicy:
    """The tenant's replenishment settings (``Tenant.policies``, docs/supply-chain.md)."""

    service_level: float = 0.95
    review_days: int = 7
    history_days: int = 365
    ordering_cost: float | None = None
    holding_rate: float | None = None
    transfer_distance_km: float | None = None  # None: transfer before buy is off
    min_max: Mapping[Series, tuple[Decimal, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class RequisitionRequest:
    """One requisition to create: a vendor's lines for one warehouse."""

    warehouse_id: int
    vendor_id: int | None  # None: the product's preferred vendor when it is converted
    needed_by: dt.date
    lines: Sequence[tuple[int, Decimal]]  # (product id, quantity)
    notes: str


class ReplenishmentData(Protocol):
    """The domains' side of replenishment (``adapters.supply_chain_replenishment``)."""

    def tenants(self, slug: str | None = None) -> list[tuple[int, str]]:
        """(id, slug) of every active tenant, or of the one named (whatever its status; none if
        there is no such tenant). Needs no current tenant."""

    def demand_history(self, start: dt.date, end: dt.date) -> DemandHistory:
        """Shipped and issued quantities per series and day from the stock ledger, in one
        aggregation query; series without demand in the window are absent."""

    def positions(self, series: Collection[Series]) -> Mapping[Series, StockPosition]:
        """Stock positions of the given series (absent ones are all zero)."""

    def purchase_terms(self, product_ids: Collection[int]) -> Mapping[int, PurchaseTerms]:
        """Each product's preferred active terms with an active vendor."""

    def products(self, product_ids: Collection[int]) -> Mapping[int, PlanningProduct]:
        """Facts of the products, with their average unit cost over all warehouses."""

    def sites(self) -> list[Site]:
        """The tenant's active physical warehouses."""

    def policy(self) -> ReplenishmentPolicy:
        """The tenant's replenishment policy."""

    def create_requisitions(self, requests: Sequence[RequisitionRequest], *, actor: Any) -> list[int]:
        """Create one draft requisition per request (procurement's service); their ids in order."""
