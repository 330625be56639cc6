"""Cross-docking on inventory's and sales' public services
(``supply_chain_ops.contracts.cross_docking``).

The staged goods move from the receipt's stock location into the warehouse's staging location
(``staging_location``) and are held there by reservations pinned to it
(``reserve_staged``), one per waiting sales-order line; shipping picks them from there.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from nexus.core.transitions.actors import actor_ref
from nexus.inventory.models import (
    LocationKind,
    MoveReason,
    StockAvailability,
    StockBalance,
    StockMove,
)
from nexus.inventory.models.ledger import INBOUND_REASONS
from nexus.inventory.services import (
    DocumentRef,
    MoveRequest,
    ReservationRequest,
    SourceRef,
    post_moves,
    reserve_staged,
    staging_location,
)
from nexus.sales.models import LINE_SOURCE_TYPE, short_stock_lines
from supply_chain_ops.contracts.cross_docking import (
    CrossDockRef,
    ReceivedGoods,
    StageRequest,
    WaitingLine,
)

ZERO = Decimal(0)


class InventoryCrossDockStock:
    def lock_received(self, move_id: int) -> ReceivedGoods | None:
        move = (
            StockMove.objects.select_related("product", "to_location__warehouse")
            .filter(pk=move_id, reason__in=INBOUND_REASONS, from_location__isnull=True)
            .first()
        )
        if move is None or move.to_location is None:
            return None
        location = move.to_location
        warehouse = location.warehouse
        staging = staging_location(warehouse.pk) if warehouse.cross_docking else None
        pool = (
            StockAvailability.objects.select_for_update()
            .filter(product_id=move.product_id, warehouse_id=warehouse.pk)
            .first()
            if staging is not None
            else None
        )
        stageable = ZERO
        if location.kind == LocationKind.STOCK and staging and pool:
            here = (
                StockBalance.objects.filter(product_id=move.product_id, location_id=location.pk)
                .values_list("on_hand", flat=True)
                .first()
            )
            free = pool.on_hand_sellable - pool.reserved
            stageable = max(min(move.quantity, here or ZERO, free), ZERO)
        return ReceivedGoods(
            move_id=move.pk,
            product_id=move.product_id,
            sku=move.product.sku,
            unit=move.product.unit,
            warehouse_id=warehouse.pk,
            location_id=location.pk,
            staging_location_id=staging.pk if staging else None,
            quantity=move.quantity,
            stageable=stageable,
        )

    def waiting_lines(self, product_id: int, warehouse_id: int) -> list[WaitingLine]:
        lines = (
            short_stock_lines()
            .filter(product_id=product_id, warehouse_id=warehouse_id)
            .select_related("order")
            .order_by(F("promised_date").asc(nulls_last=True), "requested_date", "order_id", "id")
        )
        return [
            WaitingLine(
                line_id=line.pk,
                order_id=line.order_id,
                order_number=line.order.number,
                promised_date=line.promised_date or line.requested_date,
                needed=line.quantity - line.shipped_quantity - line.reserved_open,  # type: ignore[attr-defined]
            )
            for line in lines
        ]

    def stage(
        self, goods: ReceivedGoods, requests: Sequence[StageRequest], document: CrossDockRef, *, actor: Any
    ) -> dict[int, int]:
        if not requests:
            return {}
        assert goods.staging_location_id is not None
        who = actor_ref(actor)
        with transaction.atomic():
            post_moves(
                [
                    MoveRequest(
                        product_id=goods.product_id,
                        reason=MoveReason.TRANSFER_OUT,
                        quantity=sum((r.quantity for r in requests), ZERO),
                        from_location_id=goods.location_id,
                        to_location_id=goods.staging_location_id,
                        document=DocumentRef(document.document_type, document.document_id),
                        note=f"Cross-docked from receipt move #{goods.move_id}",
                    )
                ],
                actor=who,
            )
            reservations = reserve_staged(
                [
                    ReservationRequest(
                        goods.product_id,
                        goods.warehouse_id,
                        request.quantity,
                        request.required_date,
                        SourceRef(LINE_SOURCE_TYPE, request.line_id),
                        note=f"Cross-docked ({document.document_type} #{document.document_id})",
                    )
                    for request in requests
                ],
                goods.staging_location_id,
                actor=who,
            )
        return {r.source_id: r.pk for r in reservations}
