"""Returns (RMA) on the domains' public services (``supply_chain_ops.contracts.returns``).

Receipts come in from the customer as ``return`` moves into the return warehouse's quality-hold
location at the cost of what was shipped; dispositions move them on inside the warehouse
(restock, repair) or out of it (scrap, a vendor return). Refunds are draft credit notes priced by
receivable from the sales lines; replacements are draft sales orders naming the RMA as cause.
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from nexus.core.money import round_to_currency
from nexus.core.scope import require_tenant_id
from nexus.core.transitions.actors import actor_ref
from nexus.inventory.models import LocationKind, MoveReason, Warehouse, WarehouseKind
from nexus.inventory.services import DocumentRef, MoveRequest, post_moves, register_reservation_source
from nexus.notifications.services import notify_contact
from nexus.procurement.models import Vendor
from nexus.procurement.services import return_to_vendor
from nexus.receivable.services import draft_credit_note
from nexus.sales.models import Customer, SalesOrder
from nexus.sales.services import ShippedLine, create_replacement_order, shipped_lines, shipped_order_lines
from nexus.tenancy.models import Tenant
from supply_chain_ops.contracts.returns import (
    CustomerFacts,
    DocumentFacts,
    ReturnMove,
    ReturnRef,
    ReturnsPolicy,
    ShippedLineFacts,
)
from supply_chain_ops.contracts.transfers import LineResolver, WarehouseFacts

from .supply_chain_transfers import _locations

#: Tenant policies (``Tenant.policies``) of returns, with their defaults.
WINDOW_POLICY = "rma_return_window_days"
STEP_UP_POLICY = "rma_step_up_value"
RESTOCKING_FEE_POLICY = "rma_restocking_fee_percent"
DEFAULT_WINDOW_DAYS = 30
DEFAULT_STEP_UP_VALUE = Decimal(1000)
DEFAULT_RESTOCKING_FEE_PERCENT = Decimal(15)

#: Where each disposition takes goods from quality hold (None: out of the warehouse).
DISPOSITION_TARGETS: dict[str, tuple[MoveReason, LocationKind | None]] = {
    "restock": (MoveReason.TRANSFER_OUT, LocationKind.STOCK),
    "repair": (MoveReason.TRANSFER_OUT, LocationKind.REPAIR),
    "scrap": (MoveReason.SCRAP, None),
}


def _facts(line: ShippedLine) -> ShippedLineFacts:
    return ShippedLineFacts(
        line_id=line.line_id,
        order_id=line.order_id,
        order_number=line.order_number,
        customer_id=line.customer_id,
        currency=line.currency,
        product_id=line.product_id,
        sku=line.sku,
        unit=line.unit,
        description=line.description,
        warehouse_id=line.warehouse_id,
        quantity=line.quantity,
        shipped_quantity=line.shipped_quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        net_unit_price=line.net_unit_price,
        shipped_cost=line.shipped_cost,
        last_shipped_at=line.last_shipped_at,
    )


def _move(
    rma: ReturnRef,
    move: ReturnMove,
    reason: MoveReason,
    from_location_id: int | None,
    to_location_id: int | None,
    note: str = "",
) -> MoveRequest:
    return MoveRequest(
        product_id=move.product_id,
        reason=reason,
        quantity=move.quantity,
        from_location_id=from_location_id,
        to_location_id=to_location_id,
        unit_cost=move.unit_cost,
        document=DocumentRef(rma.document_type, rma.document_id, move.line_id),
        note=note,
    )


class DomainsReturns:
    def register_line_source(self, source_type: str, resolver: LineResolver) -> None:
        register_reservation_source(source_type, resolver)

    def policy(self) -> ReturnsPolicy:
        tenant = Tenant.objects.get(pk=require_tenant_id())
        return ReturnsPolicy(
            window_days=int(tenant.policy(WINDOW_POLICY, DEFAULT_WINDOW_DAYS)),
            step_up_value=Decimal(str(tenant.policy(STEP_UP_POLICY, DEFAULT_STEP_UP_VALUE))),
            restocking_fee_percent=Decimal(
                str(tenant.policy(RESTOCKING_FEE_POLICY, DEFAULT_RESTOCKING_FEE_PERCENT))
            ),
        )

    def shipped_lines(
        self, line_ids: Collection[int], *, lock: bool = False
    ) -> Mapping[int, ShippedLineFacts]:
        return {pk: _facts(line) for pk, line in shipped_lines(line_ids, lock=lock).items()}

    def order_id_by_number(self, number: str) -> int | None:
        return SalesOrder.objects.filter(number__iexact=number).values_list("pk", flat=True).first()

    def shipped_order_lines(self, order_id: int) -> list[ShippedLineFacts]:
        return [_facts(line) for line in shipped_order_lines([order_id]).get(order_id, [])]

    def customers(self, customer_ids: Collection[int]) -> Mapping[int, CustomerFacts]:
        return {
            c.pk: CustomerFacts(c.pk, c.code, c.name, c.email)
            for c in Customer.objects.filter(pk__in=list(customer_ids))
        }

    def warehouses(self, warehouse_ids: Collection[int]) -> Mapping[int, WarehouseFacts]:
        return {
            w.pk: WarehouseFacts(w.pk, w.code, w.kind == WarehouseKind.PHYSICAL, w.active)
            for w in Warehouse.objects.filter(pk__in=list(warehouse_ids))
        }

    def return_address(self, warehouse_id: int) -> str:
        w = Warehouse.objects.get(pk=warehouse_id)
        place = " ".join(part for part in (w.postal_code, w.city) if part)
        return "\n".join(
            part for part in (w.name, w.address_line1, w.address_line2, place, w.country) if part
        )

    def vendors(self, vendor_ids: Collection[int]) -> Mapping[int, str]:
        return dict(Vendor.objects.filter(pk__in=list(vendor_ids)).values_list("pk", "code"))

    def vendor_choices(self) -> list[tuple[int, str]]:
        return [(v.pk, str(v)) for v in Vendor.objects.filter(active=True).order_by("code")]

    def receive_into_hold(
        self, rma: ReturnRef, warehouse_id: int, moves: Sequence[ReturnMove], *, actor: Any
    ) -> Mapping[int, Decimal]:
        hold = _locations([warehouse_id], LocationKind.QUALITY_HOLD)[warehouse_id]
        posted = post_moves(
            [_move(rma, move, MoveReason.RETURN, None, hold.pk) for move in moves], actor=actor_ref(actor)
        )
        return {move.line_id: stock_move.value for move, stock_move in zip(moves, posted, strict=True)}

    def dispose(
        self,
        rma: ReturnRef,
        warehouse_id: int,
        disposition: str,
        moves: Sequence[ReturnMove],
        *,
        actor: Any,
        vendor_id: int | None = None,
    ) -> tuple[list[Decimal], str]:
        hold = _locations([warehouse_id], LocationKind.QUALITY_HOLD)[warehouse_id]
        if disposition == "return_to_vendor":
            assert vendor_id is not None
            document = return_to_vendor(
                vendor_id,
                hold.pk,
                [(move.product_id, move.quantity) for move in moves],
                actor=actor_ref(actor),
                reference=rma.number,
            )
            return [line.cost_value for line in document.lines.order_by("id")], document.number
        reason, kind = DISPOSITION_TARGETS[disposition]
        target = _locations([warehouse_id], kind)[warehouse_id].pk if kind is not None else None
        note = f"{rma.number}: {disposition}"
        posted = post_moves(
            [_move(rma, move, reason, hold.pk, target, note) for move in moves], actor=actor_ref(actor)
        )
        return [stock_move.value for stock_move in posted], ""

    def repaired(
        self, rma: ReturnRef, warehouse_id: int, moves: Sequence[ReturnMove], *, actor: Any
    ) -> Mapping[int, Decimal]:
        repair = _locations([warehouse_id], LocationKind.REPAIR)[warehouse_id]
        stock = _locations([warehouse_id], LocationKind.STOCK)[warehouse_id]
        posted = post_moves(
            [_move(rma, move, MoveReason.TRANSFER_OUT, repair.pk, stock.pk) for move in moves],
            actor=actor_ref(actor),
        )
        return {move.line_id: stock_move.value for move, stock_move in zip(moves, posted, strict=True)}

    def refund(
        self,
        order_id: int,
        quantities: Mapping[int, Decimal],
        *,
        restocking_fee: Decimal,
        reason: str,
    ) -> DocumentFacts:
        order = SalesOrder.objects.get(pk=order_id)
        note = draft_credit_note(
            order,
            quantities,
            reason=reason[:200],
            restocking_fee=round_to_currency(restocking_fee, order.currency_id),
        )
        return DocumentFacts(note.pk, str(note))

    def replace(
        self, order_id: int, quantities: Mapping[int, Decimal], *, cause: str, requested_date: dt.date
    ) -> DocumentFacts:
        order = create_replacement_order(order_id, quantities, cause=cause, requested_date=requested_date)
        return DocumentFacts(order.pk, order.number)

    def notify(self, customer_id: int, template: str, context: Mapping[str, Any]) -> bool:
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None or not customer.email:
            return False
        notify_contact(email=customer.email, name=customer.name, template=template, context=context)
        return True
