"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""

from .transfers import TransferOrder, TransferOrderLine, TransferOrderStatus

__all__ = ["TransferOrder", "TransferOrderLine", "TransferOrderStatus"]
