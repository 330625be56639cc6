"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .atp import Promise, PromiseKind, PromiseStatus, VendorLeadTime
from .balancing import BalancingLine, BalancingRun
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
from .replenishment import Decision, ReplenishmentLine, ReplenishmentRun, RunStatus, SuggestionKind
from .rmas import Disposition, Resolution, Rma, RmaInspection, RmaLine, RmaReason, RmaReceipt, RmaStatus
from .transfers import TransferOrder, TransferOrderLine, TransferOrderStatus

__all__ = [
    "BalancingLine",
    "BalancingRun",
    "ChargeKind",
    "CrossDock",
    "CrossDockLine",
    "Decision",
    "Disposition",
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
    "Promise",
    "PromiseKind",
    "PromiseStatus",
    "ReplenishmentLine",
    "ReplenishmentRun",
    "Resolution",
    "Rma",
    "RmaInspection",
    "RmaLine",
    "RmaReason",
    "RmaReceipt",
    "RmaStatus",
    "RunStatus",
    "SuggestionKind",
    "TransferOrder",
    "TransferOrderLine",
    "TransferOrderStatus",
    "VendorLeadTime",
]
