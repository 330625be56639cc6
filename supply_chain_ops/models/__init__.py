"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .cross_docks import CrossDock, CrossDockLine
from .dropship import (
    DropshipException,
    DropshipLine,
    DropshipOrder,
    DropshipShipment,
    DropshipShipmentLine,
    DropshipStatus,
)
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
    "DropshipException",
    "DropshipLine",
    "DropshipOrder",
    "DropshipShipment",
    "DropshipShipmentLine",
    "DropshipStatus",
    "LandedCost",
    "LandedCostAllocation",
    "LandedCostCharge",
    "LandedCostReceipt",
    "LandedCostStatus",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
]
