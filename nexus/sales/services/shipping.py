"""Shipping against sales orders: drafting shipments and posting them out of stock.

Posting (the writes of the shipment's ``post`` transition, declared in ``SalesConfig.ready`` so
that every caller runs them) happens inside the transition, under its lock: it locks the order,
then its lines, checks each shipment line (the order still shippable, the line of this order and
of this warehouse — or dropship on a dropship shipment — and no more than is left to ship), picks
the goods from the warehouse's stock locations (by location code), consumes the line's
reservations, issues the goods at the warehouse's moving average, records their cost on the
shipment line, adds the quantities to the order lines and moves the order to partially shipped or
shipped. A dropship shipment moves no stock: it records what the vendor delivered. Any refusal
rolls all of it back and says why.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.models import Location, LocationKind, MoveReason, StockBalance, Warehouse
from nexus.inventory.quantities import checked_quantity
from nexus.inventory.services import DocumentRef, MoveRequest, consume, pinned_for_sources, post_moves
from nexus.sales.models import (
    LINE_SOURCE_TYPE,
    SHIPPABLE_STATES,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
)

from .numbering import assign_number
from .orders import follow_shipments
from .reserving import line_source

SHIPMENT_DOCUMENT_TYPE = "sales.shipment"
ZERO = Decimal(0)


def _ensure_shippable(order: SalesOrder, verb: str) -> None:
    if order.status not in SHIPPABLE_STATES:
        raise TransitionNotAllowed(
            f"cannot {verb}: {order} is {order.get_status_display().lower()}; only confirmed or partially "
            "shipped orders ship"
        )


def draft_shipment(
    order: SalesOrder,
    *,
    warehouse: Warehouse | None = None,
    dropship: bool = False,
    quantities: Mapping[int, Decimal] | None = None,
    shipped_at: dt.datetime | None = None,
    carrier: str = "",
    tracking_number: str = "",
) -> Shipment:
    """Create a draft shipment: the given quantities per order-line id, else everything open.

    Without ``quantities`` it takes the open lines of ``warehouse`` (or, for a dropship
    shipment, the open dropship lines); with no warehouse named, the one all open lines share.
    """
    order = SalesOrder.objects.get(pk=order.pk)
    _ensure_shippable(order, "ship")
    lines = {line.pk: line for line in order.lines.order_by("id")}
    if quantities is None:
        candidates = [line for line in lines.values() if line.dropship == dropship and line.open_quantity > 0]
        if not dropship and warehouse is None:
            warehouses = {line.warehouse_id for line in candidates}
            if len(warehouses) > 1:
                raise InvalidInput(
                    f"The open lines of {order} ship from several warehouses; name one.",
                    fields={"warehouse": ["Name the warehouse to ship from."]},
                )
            warehouse = Warehouse.objects.get(pk=warehouses.pop()) if warehouses else None
        if warehouse is not None:
            candidates = [line for line in candidates if line.warehouse_id == warehouse.pk]
        wanted = {line.pk: line.open_quantity for line in candidates}
    else:
        unknown = sorted(set(quantities) - set(lines))
        if unknown:
            raise InvalidInput(
                f"Sales-order line {', '.join(map(str, unknown))} is not a line of {order}.",
                fields={"lines": [f"Not a line of {order}."]},
            )
        wanted = {pk: q for pk, q in quantities.items() if q > 0}
    if not wanted:
        raise InvalidInput(f"Nothing to ship: no open line of {order} matches.")
    if not dropship and warehouse is None:
        warehouse = Warehouse.objects.get(pk=lines[min(wanted)].warehouse_id)
    with transaction.atomic():
        shipment = Shipment(
            sales_order=order,
            warehouse=None if dropship else warehouse,
            dropship=dropship,
            shipped_at=shipped_at or timezone.now(),
            carrier=carrier,
            tracking_number=tracking_number,
        )
        assign_number(shipment)
        shipment.save()
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(
                    tenant_id=shipment.tenant_id, shipment=shipment, sales_order_line=lines[pk], quantity=q
                )
                for pk, q in sorted(wanted.items())
            ]
        )
    return shipment


def post_shipment(
    shipment: Shipment | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Post a draft shipment (see the module docstring); ``result.output`` is its stock moves."""
    target = shipment if isinstance(shipment, Shipment) else (Shipment, shipment)
    return perform_transition(target, "post", actor=actor, reason=reason, idempotency_key=idempotency_key)


def ship_out_of_stock(change: TransitionChange) -> list:
    """The writes of a shipment's ``post``: the goods leave stock (see the module docstring)."""
    shipment: Shipment = change.instance
    actor = change.actor
    order = SalesOrder.objects.select_for_update().get(pk=shipment.sales_order_id)
    _ensure_shippable(order, "post")
    order_lines = {
        line.pk: line
        for line in SalesOrderLine.objects.select_for_update()
        .select_related("product")
        .filter(order=order)
        .order_by("id")
    }
    lines = list(shipment.lines.order_by("id"))
    shipping: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        order_line = _check_line(shipment, order, order_lines.get(line.sales_order_line_id), line)
        product = order_line.product
        quantity = checked_quantity(line.quantity, unit=product.unit, unit_decimals=product.unit_decimals)
        shipping[order_line.pk] += quantity
        if order_line.shipped_quantity + shipping[order_line.pk] > order_line.quantity:
            raise Conflict(
                f"cannot post: {product.sku} on {order} has {_q(order_line.open_quantity)} {product.unit} "
                f"left to ship, and this shipment ships {_q(shipping[order_line.pk])} {product.unit}.",
                code="over_shipment",
            )
    moves = [] if shipment.dropship else _issue(shipment, lines, order_lines, actor)
    for pk, quantity in shipping.items():
        order_lines[pk].shipped_quantity += quantity
    SalesOrderLine.objects.bulk_update([order_lines[pk] for pk in sorted(shipping)], ["shipped_quantity"])
    follow_shipments(order, actor=follow_up_actor(actor, f"{shipment} posted"), reason=f"{shipment} posted.")
    return moves


def _check_line(
    shipment: Shipment, order: SalesOrder, order_line: SalesOrderLine | None, line: ShipmentLine
) -> SalesOrderLine:
    if order_line is None:
        raise InvalidInput(f"Shipment line {line.pk} is for a line of another sales order than {order}.")
    sku = order_line.product.sku
    if shipment.dropship and not order_line.dropship:
        raise InvalidInput(f"cannot post: {sku} is not a dropship line; ship it from its warehouse.")
    if not shipment.dropship and order_line.dropship:
        raise InvalidInput(f"cannot post: {sku} is a dropship line; record it on a dropship shipment.")
    if not shipment.dropship and order_line.warehouse_id != shipment.warehouse_id:
        raise InvalidInput(f"cannot post: {sku} ships from another warehouse than this shipment's.")
    return order_line


def _issue(
    shipment: Shipment, lines: Sequence[ShipmentLine], order_lines: Mapping[int, SalesOrderLine], actor: Actor
) -> list:
    """Consume the lines' reservations and issue their goods from the warehouse's stock locations."""
    assert shipment.warehouse_id is not None
    warehouse_id = shipment.warehouse_id
    picks = _pick(warehouse_id, [(order_lines[line.sales_order_line_id], line) for line in lines])
    who = follow_up_actor(actor, f"{shipment} posted")
    for line in lines:
        order_line = order_lines[line.sales_order_line_id]
        consume(line_source(order_line.pk), order_line.product_id, warehouse_id, line.quantity, actor=who)
    requests = [
        MoveRequest(
            product_id=order_lines[line.sales_order_line_id].product_id,
            reason=MoveReason.SHIPMENT,
            quantity=quantity,
            from_location_id=location_id,
            document=DocumentRef(SHIPMENT_DOCUMENT_TYPE, shipment.pk, line.pk),
            occurred_at=shipment.shipped_at,
        )
        for line, location_id, quantity in picks
    ]
    moves = post_moves(requests, actor=actor_ref(actor))
    cost: dict[int, Decimal] = defaultdict(Decimal)
    for (line, _, _), move in zip(picks, moves, strict=True):
        cost[line.pk] += move.value
    for line in lines:
        line.cost_value = cost[line.pk]
    ShipmentLine.objects.bulk_update(list(lines), ["cost_value"])
    return moves


def _pick(
    warehouse_id: int, wanted: Sequence[tuple[SalesOrderLine, ShipmentLine]]
) -> list[tuple[ShipmentLine, int, Decimal]]:
    """Split each line over the staged goods pinned to it (cross-docked), then the warehouse's
    stock locations (by code) that hold the product; ``consume`` takes the pinned reservations
    first in the same order."""
    staged = pinned_for_sources(LINE_SOURCE_TYPE, [order_line.pk for order_line, _ in wanted])
    locations = list(
        Location.objects.filter(warehouse_id=warehouse_id, kind=LocationKind.STOCK).order_by("code", "id")
    )
    on_hand = {
        (product_id, location_id): quantity
        for product_id, location_id, quantity in StockBalance.objects.filter(
            location__in=locations, product_id__in={o.product_id for o, _ in wanted}, on_hand__gt=0
        ).values_list("product_id", "location_id", "on_hand")
    }
    picks = []
    for order_line, line in wanted:
        product = order_line.product
        left = line.quantity
        for location_id, pinned in staged.pop(order_line.pk, []):
            take = min(pinned, left)
            if take > 0:
                left -= take
                picks.append((line, location_id, take))
        for location in locations:
            if left <= 0:
                break
            key = (product.pk, location.pk)
            take = min(on_hand.get(key, ZERO), left)
            if take > 0:
                on_hand[key] -= take
                left -= take
                picks.append((line, location.pk, take))
        if left > 0:
            found = line.quantity - left
            raise Conflict(
                f"Cannot ship {_q(line.quantity)} {product.unit} of {product.sku}: the stock locations of "
                f"the warehouse hold only {_q(found)} {product.unit} more for this shipment.",
                code="insufficient_stock",
            )
    return picks


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"
