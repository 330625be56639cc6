"""What dropship orders need from sales and procurement: the sales order, the vendors' offers, and
purchase orders drafted, sent, cancelled, closed and delivered — one call per step, batch-shaped.

Domain transitions these calls perform run as the system on behalf of the actor given (the
dropship order's own transition checked the person's permission).
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ShipTo:
    """Where the vendor ships: the customer's name and shipping address."""

    name: str
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class SalesLineFacts:
    id: int
    product_id: int
    sku: str
    unit: str
    description: str
    quantity: Decimal
    dropship: bool
    promised_date: dt.date | None


@dataclass(frozen=True)
class SalesOrderFacts:
    """A sales order as a dropship order snapshots it."""

    id: int
    number: str
    customer_id: int
    customer_reference: str
    ship_to: ShipTo
    lines: tuple[SalesLineFacts, ...]
    open: bool  # confirmed or partially shipped: neither cancelled nor finished


@dataclass(frozen=True)
class VendorOffer:
    """A vendor's active terms for a product (an active vendor's)."""

    vendor_id: int
    vendor_code: str
    product_id: int
    vendor_sku: str
    unit_price: Decimal
    currency: str
    lead_time_days: int
    priority: int
    minimum_order_quantity: Decimal = Decimal(0)
    order_multiple: Decimal = Decimal(1)


@dataclass(frozen=True)
class VendorFacts:
    id: int
    code: str
    name: str
    currency: str
    active: bool


@dataclass(frozen=True)
class PurchaseLineRequest:
    """One purchase-order line for one dropship line (``line_id``)."""

    line_id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    expected_date: dt.date
    vendor_sku: str = ""
    description: str = ""


@dataclass(frozen=True)
class PurchaseOrderRequest:
    """One dropship purchase order to one vendor, in one currency."""

    vendor_id: int
    currency: str
    lines: tuple[PurchaseLineRequest, ...]


@dataclass(frozen=True)
class CreatedPurchaseLine:
    line_id: int
    purchase_order_id: int
    purchase_order_line_id: int


@dataclass(frozen=True)
class DeliveredLine:
    """A quantity the vendor shipped: the sales-order line it delivers and its purchase-order line."""

    sales_order_line_id: int
    purchase_order_id: int
    purchase_order_line_id: int
    quantity: Decimal


class DropshipDomains(Protocol):
    """Sales' and procurement's side of a dropship order (``adapters.supply_chain_dropship``)."""

    def sales_order(self, order_id: int) -> SalesOrderFacts | None:
        """The sales order with its lines and the customer's shipping address (None: not found)."""

    def vendor_offers(self, product_ids: Collection[int]) -> Mapping[int, list[VendorOffer]]:
        """Per product, the active terms of active vendors."""

    def vendors(self, vendor_ids: Collection[int]) -> Mapping[int, VendorFacts]:
        """The vendors that exist in the current tenant, by id."""

    def has_dropship_warehouse(self) -> bool:
        """Whether the tenant has the dropship (virtual) warehouse dropship purchase orders name."""

    def create_purchase_orders(
        self, ship_to: ShipTo, orders: Sequence[PurchaseOrderRequest], *, reference: str
    ) -> list[CreatedPurchaseLine]:
        """Draft one dropship purchase order per request, shipping to ``ship_to``."""

    def send_purchase_orders(
        self, purchase_order_ids: Sequence[int], *, actor: Any, customer_reference: str
    ) -> None:
        """Send the drafts (locking them) and ask for the order notice to reach each vendor."""

    def cancel_purchase_orders(
        self, purchase_order_ids: Sequence[int], *, actor: Any, reason: str, notify_vendors: bool
    ) -> list[int]:
        """Cancel those not cancelled yet; with ``notify_vendors`` each vendor is sent a notice.

        Returns the ids it cancelled.
        """

    def close_purchase_orders(self, purchase_order_ids: Sequence[int], *, actor: Any) -> None:
        """Close the delivered orders (those still open are left as they are)."""

    def ship(
        self,
        sales_order_id: int,
        lines: Sequence[DeliveredLine],
        *,
        tracking_number: str,
        carrier: str,
        shipped_at: dt.datetime,
        actor: Any,
    ) -> int:
        """Post a dropship sales shipment of exactly these lines (no stock moves) and record the
        vendor shipment on each purchase order; return the sales shipment's id."""


class VendorTokens(Protocol):
    """Service tokens bound to one vendor (``adapters.supply_chain_dropship``)."""

    def offer_to_vendors(self, permissions: Collection[str]) -> None:
        """Let tokens bound to a vendor hold these permission names, and only these (at start-up)."""
