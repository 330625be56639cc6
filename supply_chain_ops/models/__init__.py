"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .landed_costs import (
    ChargeKind,
    LandedCost,
    LandedCostAllocation,
    LandedCostCharge,
    LandedCostReceipt,
    LandedCostStatus,
)
from .rmas import Disposition, Resolution, Rma, RmaInspection, RmaLine, RmaReason, RmaReceipt, RmaStatus
from .transfers import TransferOrder, TransferOrderLine, TransferOrderStatus

__all__ = [
    "ChargeKind",
    "Disposition",
    "LandedCost",
    "LandedCostAllocation",
    "LandedCostCharge",
    "LandedCostReceipt",
    "LandedCostStatus",
    "Resolution",
    "Rma",
    "RmaInspection",
    "RmaLine",
    "RmaReason",
    "RmaReceipt",
    "RmaStatus",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
]
