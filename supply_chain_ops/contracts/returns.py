"""What returns (RMA) need from the domains: shipped lines as charged, customers to tell, stock
moved into quality hold and on to its disposition, credit notes, replacement orders and vendor
returns — one call per step, for all of an RMA's lines at once."""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from .transfers import LineResolver, WarehouseFacts


@dataclass(frozen=True)
class ShippedLineFacts:
    """A sales-order line as a return sees it: what shipped, when, and what was charged.

    ``net_unit_price`` is the price after the line's discount; ``shipped_cost`` the stock value
    of everything the line shipped (posted shipments).
    """

    line_id: int
    order_id: int
    order_number: str
    customer_id: int
    currency: str
    product_id: int
    sku: str
    unit: str
    description: str
    warehouse_id: int | None
    quantity: Decimal
    shipped_quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    net_unit_price: Decimal
    shipped_cost: Decimal
    last_shipped_at: dt.datetime | None


@dataclass(frozen=True)
class CustomerFacts:
    id: int
    code: str
    name: str
    email: str


@dataclass(frozen=True)
class ReturnsPolicy:
    """The tenant's return rules: window (days since shipment), the approval value above which a
    second factor is needed, and the restocking fee (percent of restocked, non-defective goods)."""

    window_days: int
    step_up_value: Decimal
    restocking_fee_percent: Decimal


@dataclass(frozen=True)
class ReturnRef:
    """The RMA the stock moves name as their document, and its lines' source type."""

    document_type: str
    document_id: int
    line_source_type: str
    number: str


@dataclass(frozen=True)
class ReturnMove:
    """A quantity of one RMA line's product; ``unit_cost`` for goods coming in from outside."""

    line_id: int
    product_id: int
    quantity: Decimal
    unit_cost: Decimal | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """A document a resolution made (credit note, replacement order, vendor return)."""

    id: int
    number: str


class ReturnsDomain(Protocol):
    """The domains' side of a return (``adapters.supply_chain_returns``)."""

    def register_line_source(self, source_type: str, resolver: LineResolver) -> None:
        """Let reservations and moves name RMA lines (at start-up)."""

    def policy(self) -> ReturnsPolicy:
        """The current tenant's return policy."""

    def shipped_lines(
        self, line_ids: Collection[int], *, lock: bool = False
    ) -> Mapping[int, ShippedLineFacts]:
        """The sales-order lines by id; ``lock`` locks them (ascending id) so that claims on them
        are decided one at a time."""

    def order_id_by_number(self, number: str) -> int | None:
        """The sales order with that number (ignoring case), if any."""

    def shipped_order_lines(self, order_id: int) -> list[ShippedLineFacts]:
        """Every line of the order that shipped something, by id."""

    def customers(self, customer_ids: Collection[int]) -> Mapping[int, CustomerFacts]:
        """The customers by id."""

    def warehouses(self, warehouse_ids: Collection[int]) -> Mapping[int, WarehouseFacts]:
        """The warehouses by id."""

    def return_address(self, warehouse_id: int) -> str:
        """Where customers send goods back to that warehouse (several lines)."""

    def vendors(self, vendor_ids: Collection[int]) -> Mapping[int, str]:
        """The vendors' codes by id."""

    def vendor_choices(self) -> list[tuple[int, str]]:
        """Every active vendor as (id, "CODE — name"), by code (to choose whom goods go back to)."""

    def receive_into_hold(
        self, rma: ReturnRef, warehouse_id: int, moves: Sequence[ReturnMove], *, actor: Any
    ) -> Mapping[int, Decimal]:
        """Bring the goods in from the customer into the warehouse's quality-hold location at
        their unit cost; the value received per line."""

    def dispose(
        self,
        rma: ReturnRef,
        warehouse_id: int,
        disposition: str,
        moves: Sequence[ReturnMove],
        *,
        actor: Any,
        vendor_id: int | None = None,
    ) -> tuple[list[Decimal], str]:
        """Move inspected goods out of quality hold: ``restock`` (to stock), ``scrap`` (written
        off), ``repair`` (to the repair location), ``return_to_vendor`` (a vendor return); the
        value of each move (in order) and the vendor return's number (else "")."""

    def repaired(
        self, rma: ReturnRef, warehouse_id: int, moves: Sequence[ReturnMove], *, actor: Any
    ) -> Mapping[int, Decimal]:
        """Move repaired goods from the repair location back to stock; the value per line."""

    def refund(
        self,
        order_id: int,
        quantities: Mapping[int, Decimal],
        *,
        restocking_fee: Decimal,
        reason: str,
    ) -> DocumentFacts:
        """Draft a credit note for sales-order lines (id → quantity) at the price charged on
        each, less the restocking fee."""

    def replace(
        self, order_id: int, quantities: Mapping[int, Decimal], *, cause: str, requested_date: dt.date
    ) -> DocumentFacts:
        """Draft a sales order replacing the lines' products (id → quantity), naming its cause."""

    def notify(self, customer_id: int, template: str, context: Mapping[str, Any]) -> bool:
        """Tell the customer's contact by email after commit; False when it has no address."""
