"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .balancing import BalancingLine, BalancingRun
from .landed_costs import (
    ChargeKind,
    LandedCost,
    LandedCostAllocation,
    LandedCostCharge,
    LandedCostReceipt,
    LandedCostStatus,
)
from .replenishment import Decision, ReplenishmentLine, ReplenishmentRun, RunStatus, SuggestionKind
from .transfers import TransferOrder, TransferOrderLine, TransferOrderStatus

__all__ = [
    "BalancingLine",
    "BalancingRun",
    "ChargeKind",
    "Decision",
    "LandedCost",
    "LandedCostAllocation",
    "LandedCostCharge",
    "LandedCostReceipt",
    "LandedCostStatus",
    "ReplenishmentLine",
    "ReplenishmentRun",
    "RunStatus",
    "SuggestionKind",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
]
