"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .cross_docks import CrossDock, CrossDockLine
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
    "CrossDock",
    "CrossDockLine",
    "LandedCost",
    "LandedCostAllocation",
    "LandedCostCharge",
    "LandedCostReceipt",
    "LandedCostStatus",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
]
