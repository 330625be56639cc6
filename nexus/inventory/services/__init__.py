"""The inventory services: the only way stock, value, cost layers and reservations change.

Documents post through these (docs/inventory.md); reads for other domains are batch-shaped.
"""

from .ledger_check import Difference, check_stock_ledger, rebuild_stock_balances
from .posting import NO_DOCUMENT, DocumentRef, MoveRequest, post_moves
from .queries import (
    ON_HAND,
    RESERVATION,
    STAGED,
    Availability,
    ReceiptPosition,
    SupplyDemandRow,
    availability,
    on_hand_now,
    receipt_positions,
    reservations_by_day,
    staged_now,
    supply_demand,
)
from .reservation_sources import check_sources, register_reservation_source, rows_of
from .reservations import (
    ReservationRequest,
    SourceRef,
    confirm,
    consume,
    expire_reservations,
    pinned_for_sources,
    release,
    release_for_source,
    reserve,
    reserve_many,
    reserve_staged,
    reserve_up_to,
)
from .revaluation import ValueChange, post_value_moves
from .sites import add_default_location, add_role_locations, role_location, staging_location, transit_location
from .stock import adjust, issue, post_move, receive, revalue, transfer

__all__ = [
    "NO_DOCUMENT",
    "ON_HAND",
    "RESERVATION",
    "STAGED",
    "Availability",
    "Difference",
    "DocumentRef",
    "MoveRequest",
    "ReceiptPosition",
    "ReservationRequest",
    "SourceRef",
    "SupplyDemandRow",
    "ValueChange",
    "add_default_location",
    "add_role_locations",
    "adjust",
    "availability",
    "check_sources",
    "check_stock_ledger",
    "confirm",
    "consume",
    "expire_reservations",
    "issue",
    "on_hand_now",
    "pinned_for_sources",
    "post_move",
    "post_moves",
    "post_value_moves",
    "rebuild_stock_balances",
    "receipt_positions",
    "receive",
    "register_reservation_source",
    "release",
    "release_for_source",
    "reservations_by_day",
    "reserve",
    "reserve_many",
    "reserve_staged",
    "reserve_up_to",
    "revalue",
    "role_location",
    "rows_of",
    "staged_now",
    "staging_location",
    "supply_demand",
    "transfer",
    "transit_location",
]
