"""Transfer orders on inventory's public services (``supply_chain_ops.contracts.transfers``).

Shipping takes the goods from the source's first active stock location into its transit location
(they stay in the source's pool, no longer sellable); receiving moves them from there into the
destination's first active stock location, carrying their value and cost layers across.
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db import transaction

from nexus.core.errors import InvalidInput
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.models import Location, LocationKind, MoveReason, Product, Warehouse, WarehouseKind
from nexus.inventory.services import (
    DocumentRef,
    MoveRequest,
    ReservationRequest,
    SourceRef,
    consume,
    post_moves,
    register_reservation_source,
    release_for_source,
    reserve_many,
)
from supply_chain_ops.contracts.transfers import (
    DailyTotals,
    LineQuantity,
    LineResolver,
    ProductFacts,
    SupplyDemandRow,
    TransferRef,
    WarehouseFacts,
)

from .supply_demand import daily_totals, supply_demand


def _locations(warehouse_ids: Collection[int], kind: LocationKind) -> dict[int, Location]:
    """Each warehouse's first active location of ``kind`` by code; refuse a warehouse without one."""
    found: dict[int, Location] = {}
    locations = Location.objects.filter(warehouse_id__in=warehouse_ids, kind=kind, active=True)
    for location in locations.order_by("code", "id"):
        found.setdefault(location.warehouse_id, location)
    missing = sorted(set(warehouse_ids) - found.keys())
    if missing:
        codes = ", ".join(
            Warehouse.objects.filter(pk__in=missing).order_by("code").values_list("code", flat=True)
        )
        label = LocationKind(kind).label.lower()
        raise InvalidInput(f"{codes or missing[0]} has no active {label} location for the transfer.")
    return found


class InventoryTransferStock:
    def register_line_source(self, source_type: str, resolver: LineResolver) -> None:
        register_reservation_source(source_type, resolver)

    def products(self, product_ids: Collection[int]) -> Mapping[int, ProductFacts]:
        return {
            p.pk: ProductFacts(p.pk, p.sku, p.unit, p.unit_decimals, p.active)
            for p in Product.objects.filter(pk__in=product_ids)
        }

    def warehouses(self, warehouse_ids: Collection[int]) -> Mapping[int, WarehouseFacts]:
        return {
            w.pk: WarehouseFacts(w.pk, w.code, w.kind == WarehouseKind.PHYSICAL, w.active)
            for w in Warehouse.objects.filter(pk__in=warehouse_ids)
        }

    def reserve(
        self,
        transfer: TransferRef,
        warehouse_id: int,
        required_date: dt.date,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
    ) -> None:
        reserve_many(
            [
                ReservationRequest(
                    line.product_id,
                    warehouse_id,
                    line.quantity,
                    required_date,
                    SourceRef(transfer.line_source_type, line.line_id),
                )
                for line in lines
            ],
            actor=actor_ref(actor),
        )

    def release(self, transfer: TransferRef, line_ids: Sequence[int], *, actor: Any, reason: str) -> None:
        system = follow_up_actor(actor, "transfer cancelled")
        for line_id in line_ids:
            release_for_source(SourceRef(transfer.line_source_type, line_id), actor=system, reason=reason)

    def ship(
        self, transfer: TransferRef, warehouse_id: int, lines: Sequence[LineQuantity], *, actor: Any
    ) -> None:
        stock = _locations([warehouse_id], LocationKind.STOCK)[warehouse_id]
        transit = _locations([warehouse_id], LocationKind.TRANSIT)[warehouse_id]
        system = follow_up_actor(actor, "transfer shipped")
        with transaction.atomic():
            for line in lines:
                source = SourceRef(transfer.line_source_type, line.line_id)
                consume(source, line.product_id, warehouse_id, line.quantity, actor=system)
            post_moves(
                [self._move(transfer, line, MoveReason.TRANSFER_OUT, stock.pk, transit.pk) for line in lines],
                actor=actor_ref(actor),
            )

    def receive(
        self,
        transfer: TransferRef,
        source_warehouse_id: int,
        destination_warehouse_id: int,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
    ) -> None:
        transit = _locations([source_warehouse_id], LocationKind.TRANSIT)[source_warehouse_id]
        stock = _locations([destination_warehouse_id], LocationKind.STOCK)[destination_warehouse_id]
        post_moves(
            [self._move(transfer, line, MoveReason.TRANSFER_IN, transit.pk, stock.pk) for line in lines],
            actor=actor_ref(actor),
        )

    def write_off(
        self,
        transfer: TransferRef,
        warehouse_id: int,
        lines: Sequence[LineQuantity],
        *,
        actor: Any,
        note: str,
    ) -> None:
        transit = _locations([warehouse_id], LocationKind.TRANSIT)[warehouse_id]
        post_moves(
            [self._move(transfer, line, MoveReason.ADJUSTMENT, transit.pk, None, note) for line in lines],
            actor=actor_ref(actor),
        )

    @staticmethod
    def _move(
        transfer: TransferRef,
        line: LineQuantity,
        reason: MoveReason,
        from_location_id: int,
        to_location_id: int | None,
        note: str = "",
    ) -> MoveRequest:
        return MoveRequest(
            product_id=line.product_id,
            reason=reason,
            quantity=line.quantity,
            from_location_id=from_location_id,
            to_location_id=to_location_id,
            document=DocumentRef(transfer.document_type, transfer.document_id, line.line_id),
            note=note,
        )


class DomainsSupplyDemand:
    """The domains' supply and demand (``adapters.supply_demand``) for the orchestrator."""

    def daily_totals(
        self, product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
    ) -> DailyTotals:
        return daily_totals(product_ids, warehouse_ids, start, end)

    def rows(
        self, product_ids: Collection[int], warehouse_ids: Collection[int], start: dt.date, end: dt.date
    ) -> list[SupplyDemandRow]:
        return [
            SupplyDemandRow(row.product_id, row.warehouse_id, row.date, row.kind, row.quantity)
            for row in supply_demand(product_ids, warehouse_ids, start, end)
        ]
