"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .atp import Promise, PromiseKind, PromiseStatus, VendorLeadTime
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
    "Promise",
    "PromiseKind",
    "PromiseStatus",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
    "VendorLeadTime",
]
