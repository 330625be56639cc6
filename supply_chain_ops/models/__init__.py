"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .landed_costs import (
    ChargeKind,
    LandedCost,
    LandedCostAllocation,
    LandedCostCharge,
    LandedCostReceipt,
    LandedCostStatus,
)
from .transfers import TransferOrder, TransferOrderLine, TransferOrderStatus

__all__ = [
    "ChargeKind",
    "LandedCost",
    "LandedCostAllocation",
    "LandedCostCharge",
    "LandedCostReceipt",
    "LandedCostStatus",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
]
