"""A second implementation of the costing contract, in memory: proof that the contract can be swapped."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from nexus.core.models.refs import ActorRef
from supply_chain_ops.contracts.costing import (
    BillCharge,
    CostingPolicy,
    Pool,
    Position,
    ReceiptLineFacts,
    ValueMove,
)


@dataclass
class FixedRates:
    rates: dict[str, Decimal] = field(default_factory=dict)

    def rate(self, currency: str, on: dt.date) -> Decimal:
        return self.rates.get(currency, Decimal(1))


@dataclass
class Books:
    """What the in-memory implementation knows and what it was asked to post."""

    lines: list[ReceiptLineFacts] = field(default_factory=list)
    positions: dict[int, Position] = field(default_factory=dict)
    rates: FixedRates = field(default_factory=FixedRates)
    posted: list[ValueMove] = field(default_factory=list)


BOOKS = Books()


class InMemoryCosting:
    def policy(self) -> CostingPolicy:
        return CostingPolicy("USD", 2, "Clearing 4711", Decimal(10))

    def rates(self) -> FixedRates:
        return BOOKS.rates

    def receipt_lines(self, receipt_ids: Sequence[int]) -> list[ReceiptLineFacts]:
        return [line for line in BOOKS.lines if line.receipt_id in receipt_ids]

    def positions(self, move_ids: Sequence[int]) -> Mapping[int, Position]:
        return {move_id: BOOKS.positions[move_id] for move_id in move_ids if move_id in BOOKS.positions}

    def pools(self, pairs: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], Pool]:
        return {pair: Pool(f"W{pair[1]}", Decimal(10), Decimal(100)) for pair in pairs}

    def warehouse_codes(self, warehouse_ids: Sequence[int]) -> Mapping[int, str]:
        return {pk: f"W{pk}" for pk in warehouse_ids}

    def post_value_moves(
        self, moves: Sequence[ValueMove], *, document_id: int, note: str, actor: ActorRef
    ) -> None:
        BOOKS.posted.extend(moves)

    def claim_bill_lines(self, bill_line_ids: Sequence[int]) -> Mapping[int, BillCharge]:
        return {}
