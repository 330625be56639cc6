"""What landed costs need from the domains: receipt lines, where their goods are, value moves, bill charges.

Each call serves one step of the workflow for all of a landed cost's lines at once, so an
implementation answers with a constant number of queries whatever the number of lines.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from nexus.core.models.refs import ActorRef
from nexus.core.money import RateSource


@dataclass(frozen=True)
class ReceiptLineFacts:
    """A posted goods-receipt line as a landed cost snapshots it (amounts in the tenant's currency)."""

    receipt_id: int
    receipt_number: str
    receipt_line_id: int
    move_id: int
    product_id: int
    sku: str
    quantity: Decimal
    received_value: Decimal
    unit_weight: Decimal | None
    unit_volume: Decimal | None
    customs_value: Decimal | None  # per unit, in ``customs_currency``
    customs_currency: str | None


@dataclass(frozen=True)
class Position:
    """What became of the goods one receipt move brought in: on hand by warehouse, and received."""

    received: Decimal
    on_hand: Mapping[int, Decimal]  # warehouse id -> quantity still there


@dataclass(frozen=True)
class Pool:
    """A product's valuation pool in one warehouse (the moving average is ``value / on_hand``)."""

    warehouse_code: str
    on_hand: Decimal
    value: Decimal


@dataclass(frozen=True)
class ValueMove:
    """Value to add (positive) or remove (negative) from a product's pool in a warehouse; no goods move."""

    product_id: int
    warehouse_id: int
    value: Decimal


@dataclass(frozen=True)
class BillCharge:
    """A vendor bill line as a landed cost claims it."""

    bill_line_id: int
    bill_id: int
    bill_number: str
    bill_date: dt.date
    approved: bool
    is_landed_cost: bool
    kind: str
    description: str
    amount: Decimal
    currency: str
    goods_receipt_ids: tuple[int, ...]


@dataclass(frozen=True)
class CostingPolicy:
    """The tenant's settings for landed costs."""

    currency: str
    currency_exponent: int
    clearing_account: str
    unit_cost_warning_percent: Decimal


class Costing(Protocol):
    def policy(self) -> CostingPolicy:
        """The current tenant's currency, clearing account and unit-cost warning threshold."""

    def rates(self) -> RateSource:
        """The current tenant's dated exchange rates into its own currency."""

    def receipt_lines(self, receipt_ids: Sequence[int]) -> list[ReceiptLineFacts]:
        """The lines of these goods receipts, ordered by receipt and line.

        Raises ``InvalidInput`` naming the receipts that do not exist or are not posted.
        """

    def positions(self, move_ids: Sequence[int]) -> Mapping[int, Position]:
        """For each receipt move, its goods on hand by warehouse now (transfers followed) and received."""

    def pools(self, pairs: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], Pool]:
        """The valuation pools of these (product id, warehouse id) pairs."""

    def warehouse_codes(self, warehouse_ids: Sequence[int]) -> Mapping[int, str]:
        """The codes of these warehouses (what a journal line names)."""

    def post_value_moves(
        self, moves: Sequence[ValueMove], *, document_id: int, note: str, actor: ActorRef
    ) -> None:
        """Post all value-only moves as one batch (locks the pools), with their events in one batch."""

    def claim_bill_lines(self, bill_line_ids: Sequence[int]) -> Mapping[int, BillCharge]:
        """Lock these vendor bill lines (``SELECT ... FOR UPDATE``) and describe them.

        The caller decides, under that lock, whether the amount is still free to claim.
        """
