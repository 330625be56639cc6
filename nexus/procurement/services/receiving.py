"""Receiving goods against purchase orders: drafting receipts and posting them into stock.

Posting (the writes of the receipt's ``post`` transition, declared in ``ProcurementConfig.ready``
so that every caller runs them) happens inside the transition, under its lock: it locks the order,
then the order's lines, checks each receipt line (the order still receivable, the quantity within
the tenant's over-receipt tolerance), posts one receipt move per line at the order's unit price in
the tenant's currency (each creating a cost layer), records the cost and the move on the receipt
line, adds the quantities to the order lines and moves the order to partially received or
received. Any refusal rolls all of it back and says why.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.models import Location, LocationKind, MoveReason, StockMove
from nexus.inventory.quantities import checked_quantity, round_cost
from nexus.inventory.services import DocumentRef, MoveRequest, post_moves
from nexus.procurement.models import (
    RECEIVABLE_STATES,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
)

from .numbering import assign_number
from .policies import over_receipt_tolerance_percent
from .purchase_orders import follow_receipts

RECEIPT_DOCUMENT_TYPE = "procurement.goodsreceipt"
HUNDRED = Decimal(100)


def _ensure_receivable(order: PurchaseOrder, verb: str) -> None:
    if order.dropship:
        raise TransitionNotAllowed(
            f"cannot {verb}: {order} is a dropship order; the vendor's shipment notice delivers its lines"
        )
    if order.status not in RECEIVABLE_STATES:
        raise TransitionNotAllowed(
            f"cannot {verb}: {order} is {order.get_status_display().lower()}; goods are received only "
            "against sent or partially received orders"
        )


def draft_receipt(
    order: PurchaseOrder,
    *,
    quantities: Mapping[int, Decimal] | None = None,
    location: Location | None = None,
    received_at: dt.datetime | None = None,
    delivery_note: str = "",
) -> GoodsReceipt:
    """Create a draft receipt for an order: the given quantities per order-line id, else all that is open.

    Refuses an order that cannot receive goods, unknown lines, an empty receipt and quantities
    beyond the over-receipt tolerance (posting checks that again, under the order's lock).
    """
    order = PurchaseOrder.objects.get(pk=order.pk)
    _ensure_receivable(order, "receive goods")
    lines = {line.pk: line for line in order.lines.select_related("product").order_by("id")}
    wanted = (
        dict(quantities) if quantities is not None else {pk: line.open_quantity for pk, line in lines.items()}
    )
    unknown = sorted(set(wanted) - set(lines))
    if unknown:
        raise InvalidInput(
            f"Purchase-order line {', '.join(map(str, unknown))} is not a line of {order}.",
            fields={"lines": [f"Not a line of {order}."]},
        )
    wanted = {pk: quantity for pk, quantity in wanted.items() if quantity > 0}
    if not wanted:
        raise InvalidInput(f"Nothing to receive: every line of {order} is fully received.")
    refuse_over_receipt(order, {lines[pk]: quantity for pk, quantity in wanted.items()})
    with transaction.atomic():
        receipt = GoodsReceipt(
            purchase_order=order,
            location=location,
            received_at=received_at or timezone.now(),
            delivery_note=delivery_note,
        )
        assign_number(receipt)
        receipt.save()
        GoodsReceiptLine.objects.bulk_create(
            [
                GoodsReceiptLine(
                    tenant_id=receipt.tenant_id, receipt=receipt, purchase_order_line=lines[pk], quantity=q
                )
                for pk, q in sorted(wanted.items())
            ]
        )
    return receipt


def post_receipt(
    receipt: GoodsReceipt | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Post a draft receipt into stock (see the module docstring); ``result.output`` is its moves."""
    target = receipt if isinstance(receipt, GoodsReceipt) else (GoodsReceipt, receipt)
    return perform_transition(target, "post", actor=actor, reason=reason, idempotency_key=idempotency_key)


def default_stock_location(warehouse_id: int) -> Location:
    """The warehouse's first active stock location by code, where receipts go by default."""
    location = (
        Location.objects.filter(warehouse_id=warehouse_id, kind=LocationKind.STOCK, active=True)
        .order_by("code", "id")
        .first()
    )
    if location is None:
        raise InvalidInput(
            "The warehouse has no active stock location to receive into; name the receipt's location.",
            fields={"location": ["Required: the warehouse has no active stock location."]},
        )
    return location


def receive_into_stock(change: TransitionChange) -> list[StockMove]:
    """The writes of a receipt's ``post``: the goods go into stock (see the module docstring)."""
    receipt: GoodsReceipt = change.instance
    actor = change.actor
    order = PurchaseOrder.objects.select_for_update().get(pk=receipt.purchase_order_id)
    _ensure_receivable(order, "post")
    order_lines = {
        line.pk: line
        for line in PurchaseOrderLine.objects.select_for_update()
        .select_related("product")
        .filter(order=order)
        .order_by("id")
    }
    location = _receiving_location(receipt, order)
    receipt.location = location
    lines = list(receipt.lines.order_by("id"))
    tolerance = over_receipt_tolerance_percent()
    received: dict[int, Decimal] = defaultdict(Decimal)
    requests = []
    for line in lines:
        order_line = order_lines.get(line.purchase_order_line_id)
        if order_line is None:
            raise InvalidInput(
                f"Receipt line {line.pk} is for a line of another purchase order than {order}."
            )
        product = order_line.product
        quantity = checked_quantity(line.quantity, unit=product.unit, unit_decimals=product.unit_decimals)
        received[order_line.pk] += quantity
        _check_tolerance(order, order_line, received[order_line.pk], tolerance)
        line.unit_cost = round_cost(order_line.unit_price * order.exchange_rate)
        requests.append(
            MoveRequest(
                product_id=product.pk,
                reason=MoveReason.RECEIPT,
                quantity=quantity,
                to_location_id=location.pk,
                unit_cost=line.unit_cost,
                document=DocumentRef(RECEIPT_DOCUMENT_TYPE, receipt.pk, line.pk),
                occurred_at=receipt.received_at,
            )
        )
    moves = post_moves(requests, actor=actor_ref(actor))
    for line, move in zip(lines, moves, strict=True):
        line.stock_move = move
    GoodsReceiptLine.objects.bulk_update(lines, ["unit_cost", "stock_move"])
    for pk, quantity in received.items():
        order_lines[pk].received_quantity += quantity
    PurchaseOrderLine.objects.bulk_update([order_lines[pk] for pk in sorted(received)], ["received_quantity"])
    follow_receipts(order, actor=follow_up_actor(actor, f"{receipt} posted"), reason=f"{receipt} posted.")
    return moves


def _receiving_location(receipt: GoodsReceipt, order: PurchaseOrder) -> Location:
    if receipt.location_id is None:
        return default_stock_location(order.warehouse_id)
    location = Location.objects.select_related("warehouse").get(pk=receipt.location_id)
    if location.warehouse_id != order.warehouse_id:
        raise InvalidInput(
            f"cannot post: {location} is not in the order's warehouse.",
            fields={"location": [f"Choose a location of the order's warehouse, not {location}."]},
        )
    return location


def refuse_over_receipt(order: PurchaseOrder, receiving: Mapping[PurchaseOrderLine, Decimal]) -> None:
    """Refuse (400 ``over_receipt``) a draft receiving more than the tolerance allows, naming each line.

    A draft is checked against what its lines have received so far; posting checks again.
    """
    tolerance = over_receipt_tolerance_percent()
    excess = {
        line.pk: explanation
        for line, quantity in sorted(receiving.items(), key=lambda item: item[0].pk)
        if (explanation := _beyond_tolerance(order, line, quantity, tolerance))
    }
    if excess:
        raise InvalidInput(
            f"cannot draft the receipt: {' '.join(excess.values())}",
            code="over_receipt",
            fields={f"lines.{pk}": [explanation] for pk, explanation in excess.items()},
        )


def _check_tolerance(
    order: PurchaseOrder, line: PurchaseOrderLine, receiving: Decimal, tolerance: Decimal
) -> None:
    """Refuse receiving more than ordered plus the tolerance, naming the figures."""
    explanation = _beyond_tolerance(order, line, receiving, tolerance)
    if explanation:
        raise Conflict(f"cannot post: {explanation}", code="over_receipt")


def _beyond_tolerance(
    order: PurchaseOrder, line: PurchaseOrderLine, receiving: Decimal, tolerance: Decimal
) -> str:
    """Why receiving ``receiving`` more on ``line`` is beyond the tolerance; empty when it is not."""
    total = line.received_quantity + receiving
    allowed = line.quantity * (HUNDRED + tolerance) / HUNDRED
    if total <= allowed:
        return ""
    unit = line.product.unit
    return (
        f"{line.product.sku} on {order} would be received {_q(total)} {unit} in all, but "
        f"{_q(line.quantity)} {unit} were ordered ({_q(line.received_quantity)} already received) and "
        f"the over-receipt tolerance of {_q(tolerance)}% allows at most {_q(allowed)} {unit}."
    )


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"
