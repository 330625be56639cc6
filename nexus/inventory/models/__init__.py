"""The inventory domain's models."""

from .balances import StockAvailability, StockBalance
from .catalog import Product
from .costing import CostLayer, CostLayerConsumption
from .ledger import MoveReason, StockMove
from .reservations import OPEN_STATES, PERSON_TRANSITIONS, Reservation, ReservationState
from .sites import Location, LocationKind, Warehouse, WarehouseKind

__all__ = [
    "OPEN_STATES",
    "PERSON_TRANSITIONS",
    "CostLayer",
    "CostLayerConsumption",
    "Location",
    "LocationKind",
    "MoveReason",
    "Product",
    "Reservation",
    "ReservationState",
    "StockAvailability",
    "StockBalance",
    "StockMove",
    "Warehouse",
    "WarehouseKind",
]
