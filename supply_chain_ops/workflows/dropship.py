"""Dropship orders, step by step: opened from a confirmed sales order, bought from vendors, shipped
by them, and compensated when the sales order is cancelled.

The writes of each transition are declared in ``SupplyChainOpsConfig.ready`` so every caller
(listener, admin, API, demo) runs them under the order's lock; sales and procurement are reached
only through the ``DropshipDomains`` contract. Lock order: the dropship order (by the transition
service, or here before it), then its lines, then the domains' documents (through the contract).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from nexus.core.events import EventEnvelope
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, perform_transition
from nexus.core.transitions.actors import actor_ref, follow_up_actor, resolve_actor
from supply_chain_ops import wiring
from supply_chain_ops.contracts.dropship import (
    DeliveredLine,
    PurchaseLineRequest,
    PurchaseOrderRequest,
    ShipTo,
    VendorOffer,
)
from supply_chain_ops.models.dropship import (
    SHIPPING_STATES,
    DropshipException,
    DropshipLine,
    DropshipOrder,
    DropshipShipment,
    DropshipShipmentLine,
    DropshipStatus,
    VendorChoice,
)
from supply_chain_ops.services.vendor_choice import choose_vendor, why_none_fits

NUMBER_TYPE = "DS"
ACTOR = ActorRef.system("supply_chain.dropship")
PICK_PERMISSION = "supply_chain_ops.resume_dropshiporder"


def _q(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _move(order: DropshipOrder, name: str, *, actor: Actor, **options: Any) -> DropshipOrder:
    moved: DropshipOrder = perform_transition(order, name, actor=actor, **options).instance
    return moved


def _as_system(actor: Actor, because: str) -> ActorRef:
    """The actor of a step that follows an event (``hold``, ``create_purchase_orders``): the system,
    on behalf of whoever set it off."""
    return actor if isinstance(actor, ActorRef) else follow_up_actor(actor, because)


def _locked(order: DropshipOrder | int) -> DropshipOrder:
    pk = order.pk if isinstance(order, DropshipOrder) else order
    locked = DropshipOrder.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(f"No dropship order {pk} in this tenant.")
    return locked


def _locked_lines(order: DropshipOrder) -> list[DropshipLine]:
    return list(DropshipLine.objects.select_for_update().filter(order=order).order_by("id"))


# -- opening, from sales.order_confirmed --------------------------------------------------------


def open_for_confirmed_order(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener on ``sales.order_confirmed``: a dropship order for the dropship lines, bought at once.

    A redelivered event finds the dropship order of its sales order (one per sales order, a
    database constraint) and creates nothing again.
    """
    if not any(line.get("dropship") for line in payload.get("lines", [])):
        return
    order = open_dropship_order(payload["order_id"], actor=ACTOR)
    if order is not None and order.status == DropshipStatus.PENDING:
        choose_vendors_and_order(order, actor=ACTOR)


def open_dropship_order(sales_order_id: int, *, actor: Actor) -> DropshipOrder | None:
    """The dropship order of a sales order: the existing one, or a new pending one for its dropship
    lines (with the customer's shipping address). None for a sales order without dropship lines
    or no longer open (cancelled before this ran)."""
    existing = DropshipOrder.objects.filter(sales_order_id=sales_order_id).first()
    if existing is not None:
        return existing
    facts = wiring.dropship_domains().sales_order(sales_order_id)
    if facts is None or not facts.open:
        return None
    lines = [line for line in facts.lines if line.dropship]
    if not lines:
        return None
    ship_to = facts.ship_to
    with transaction.atomic():
        order = DropshipOrder(
            number=next_number(NUMBER_TYPE),
            sales_order_id=facts.id,
            sales_order_number=facts.number,
            customer_id=facts.customer_id,
            customer_reference=facts.customer_reference,
            ship_to_name=ship_to.name,
            ship_to_address_line1=ship_to.address_line1,
            ship_to_address_line2=ship_to.address_line2,
            ship_to_postal_code=ship_to.postal_code,
            ship_to_city=ship_to.city,
            ship_to_region=ship_to.region,
            ship_to_country=ship_to.country,
        )
        order.save()
        DropshipLine.objects.bulk_create(
            [
                DropshipLine(
                    tenant_id=order.tenant_id,
                    order=order,
                    sales_order_line_id=line.id,
                    product_id=line.product_id,
                    sku=line.sku,
                    unit=line.unit,
                    quantity=line.quantity,
                )
                for line in lines
            ]
        )
        record_event(
            "supply_chain.dropship_opened",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(order),
            data={"sales_order": facts.number, "lines": [[line.id, _q(line.quantity)] for line in lines]},
        )
    return order


def _take(line: DropshipLine, offer: VendorOffer, choice: VendorChoice) -> None:
    line.vendor_id = offer.vendor_id
    line.vendor_choice = choice
    line.vendor_sku = offer.vendor_sku
    line.unit_price = offer.unit_price
    line.currency = offer.currency
    line.lead_time_days = offer.lead_time_days
    line.problem = ""


CHOICE_FIELDS = [
    "vendor",
    "vendor_choice",
    "vendor_sku",
    "unit_price",
    "currency",
    "lead_time_days",
    "problem",
]


def choose_vendors_and_order(order: DropshipOrder | int, *, actor: Actor) -> DropshipOrder:
    """Pick each line's vendor from the vendor terms and create the purchase orders.

    A line no active vendor can ship exactly puts the order in ``exception``, naming the line and
    why, for a buyer to pick a vendor and resume — it is never dropped. So does a tenant without a
    dropship warehouse. Does nothing to an order that is no longer pending.
    """
    domains = wiring.dropship_domains()
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != DropshipStatus.PENDING:
            return locked
        lines = _locked_lines(locked)
        offers = domains.vendor_offers({line.product_id for line in lines})
        problems = []
        for line in lines:
            if line.vendor_id is not None:
                continue
            options = offers.get(line.product_id, [])
            offer = choose_vendor(options, line.quantity)
            if offer is None:
                line.problem = why_none_fits(options, line.quantity)
                problems.append(f"{line.sku} ({_q(line.quantity)} {line.unit}): {line.problem}")
            else:
                _take(line, offer, VendorChoice.TERMS)
        DropshipLine.objects.bulk_update(lines, CHOICE_FIELDS)
        if not problems and not domains.has_dropship_warehouse():
            problems.append("the tenant has no active dropship warehouse for the purchase orders")
        system = _as_system(actor, f"{locked} opened")
        if problems:
            reason = "No purchase orders yet: " + "; ".join(problems) + "."
            return _move(
                locked, "hold", actor=system, payload={"kind": DropshipException.NO_VENDOR, "reason": reason}
            )
        return _move(locked, "create_purchase_orders", actor=system)


# -- the exception queue: a buyer picks a vendor and resumes ---------------------------------------


def pick_vendor(order: DropshipOrder | int, line_id: int, vendor_id: int, *, actor: Actor) -> DropshipLine:
    """A buyer picks the vendor of a line waiting in the exception queue (``resume_dropshiporder``).

    Uses the vendor's terms for the product when it has some (price, SKU, lead time), else a
    price of zero for the buyer to set on the draft purchase order. Refuses an inactive or
    unknown vendor, a line already on a purchase order, and an order not waiting for a vendor.
    """
    user = resolve_actor(actor).user
    if user is None or not user.has_perm(PICK_PERMISSION):
        raise PermissionDenied("You may not pick vendors for dropship orders.")
    domains = wiring.dropship_domains()
    with transaction.atomic():
        locked = _locked(order)
        if locked.status != DropshipStatus.EXCEPTION or locked.exception_kind != DropshipException.NO_VENDOR:
            raise TransitionNotAllowed(f"cannot pick a vendor: {locked} is not waiting for a vendor")
        line = DropshipLine.objects.select_for_update().filter(order=locked, pk=line_id).first()
        if line is None:
            raise InvalidInput(f"Line {line_id} is not a line of {locked}.", fields={"line": ["Not a line."]})
        if line.purchase_order_id is not None:
            raise Conflict(f"{line.sku} on {locked} is already on a purchase order.", code="already_ordered")
        vendor = domains.vendors([vendor_id]).get(vendor_id)
        if vendor is None or not vendor.active:
            message = f"Vendor {vendor_id} does not exist or is inactive."
            raise InvalidInput(message, fields={"vendor": [message]})
        terms = [
            o
            for o in domains.vendor_offers([line.product_id]).get(line.product_id, [])
            if o.vendor_id == vendor.id
        ]
        offer = (
            terms[0]
            if terms
            else VendorOffer(
                vendor_id=vendor.id,
                vendor_code=vendor.code,
                product_id=line.product_id,
                vendor_sku="",
                unit_price=Decimal(0),
                currency=vendor.currency,
                lead_time_days=0,
                priority=0,
            )
        )
        _take(line, offer, VendorChoice.BUYER)
        line.save(update_fields=CHOICE_FIELDS)
        record_event(
            "supply_chain.dropship_vendor_picked",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(locked),
            data={"line": line.pk, "sku": line.sku, "vendor": vendor.code, "from_terms": bool(terms)},
        )
    return line


def resume(order: DropshipOrder | int, *, actor: Actor, idempotency_key: str = "") -> DropshipOrder:
    """Resume an order whose lines all have a vendor now: its purchase orders are created."""
    target = order if isinstance(order, DropshipOrder) else (DropshipOrder, order)
    moved: DropshipOrder = perform_transition(
        target, "resume", actor=actor, idempotency_key=idempotency_key
    ).instance
    return moved


def send(order: DropshipOrder | int, *, actor: Actor, idempotency_key: str = "") -> DropshipOrder:
    """Send the purchase orders to their vendors (each gets the order notice with the ship-to)."""
    target = order if isinstance(order, DropshipOrder) else (DropshipOrder, order)
    moved: DropshipOrder = perform_transition(
        target, "send", actor=actor, idempotency_key=idempotency_key
    ).instance
    return moved


def close(order: DropshipOrder | int, *, actor: Actor, idempotency_key: str = "") -> DropshipOrder:
    """Close a shipped order; its delivered purchase orders are closed."""
    target = order if isinstance(order, DropshipOrder) else (DropshipOrder, order)
    moved: DropshipOrder = perform_transition(
        target, "close", actor=actor, idempotency_key=idempotency_key
    ).instance
    return moved


def cancel(
    order: DropshipOrder | int, *, actor: Actor, reason: str, idempotency_key: str = ""
) -> DropshipOrder:
    """Cancel: unsent purchase orders are cancelled; sent ones (in the exception queue after the
    sales order was cancelled) are cancelled with a notice to their vendors."""
    target = order if isinstance(order, DropshipOrder) else (DropshipOrder, order)
    moved: DropshipOrder = perform_transition(
        target, "cancel", actor=actor, reason=reason, idempotency_key=idempotency_key
    ).instance
    return moved


# -- vendor shipments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedLine:
    """A line of a vendor's notice, named by its sales-order line or its purchase-order line;
    no quantity: all that is still open on it."""

    sales_order_line: int | None = None
    purchase_order_line: int | None = None
    quantity: Decimal | None = None


@dataclass(frozen=True)
class ShipmentResult:
    order: DropshipOrder
    shipment: DropshipShipment
    replayed: bool = False


def record_vendor_shipment(
    order: DropshipOrder | int,
    lines: Sequence[ShippedLine],
    *,
    tracking_number: str,
    actor: Actor,
    carrier: str = "",
    shipped_at: dt.datetime | None = None,
    vendor_id: int | None = None,
    idempotency_key: str = "",
) -> ShipmentResult:
    """Ship exactly the lines a vendor's notice names, through a dropship sales shipment.

    ``vendor_id`` (a vendor-bound caller) may ship only that vendor's lines (403 otherwise). A
    notice repeated with its tracking number and the same lines is the same notice: it answers
    the first shipment (``replayed``) and ships nothing again; other lines under that tracking
    number are a 409. More than a line has open is a 409 ``over_shipment``. The order is shipped
    when every line is, partially shipped before.
    """
    tracking_number = tracking_number.strip()
    if not tracking_number:
        raise InvalidInput(
            "A vendor shipment needs its tracking number.", fields={"tracking_number": ["Required."]}
        )
    with transaction.atomic():
        locked = _locked(order)
        by_id = {line.pk: line for line in locked.lines.order_by("id")}
        wanted = _resolve(locked, by_id, lines)
        if vendor_id is not None:
            foreign = sorted(by_id[pk].sku for pk in wanted if by_id[pk].vendor_id != vendor_id)
            if foreign:
                raise PermissionDenied(f"{', '.join(foreign)} on {locked} is not yours to ship.")
        earlier = DropshipShipment.objects.filter(order=locked, tracking_number=tracking_number).first()
        if earlier is not None:
            return _replayed(locked, earlier, wanted)
        if locked.status not in SHIPPING_STATES:
            raise TransitionNotAllowed(
                f"cannot record a vendor shipment: {locked} is {locked.get_status_display().lower()}"
            )
        quantities = {pk: by_id[pk].open_quantity if q is None else q for pk, q in wanted.items()}
        _check_open(locked, by_id, quantities)
        rest = sum(line.open_quantity for line in by_id.values()) - sum(quantities.values())
        payload = {
            "tracking_number": tracking_number,
            "carrier": carrier.strip(),
            "shipped_at": (shipped_at or timezone.now()).isoformat(),
            "lines": {str(pk): str(q) for pk, q in sorted(quantities.items())},
        }
        name = "ship_all" if rest == 0 else "ship_part"
        result = perform_transition(
            locked, name, actor=actor, payload=payload, idempotency_key=idempotency_key
        )
        shipment = DropshipShipment.objects.get(order=locked, tracking_number=tracking_number)
        return ShipmentResult(result.instance, shipment, replayed=result.replayed)


def _resolve(
    order: DropshipOrder, by_id: Mapping[int, DropshipLine], lines: Sequence[ShippedLine]
) -> dict[int, Decimal | None]:
    """The notice's lines as dropship line ids (each once) with their quantities."""
    by_sales = {line.sales_order_line_id: line.pk for line in by_id.values()}
    by_purchase = {
        line.purchase_order_line_id: line.pk for line in by_id.values() if line.purchase_order_line_id
    }
    if not lines:
        raise InvalidInput("Name the lines the vendor shipped.", fields={"lines": ["At least one line."]})
    wanted: dict[int, Decimal | None] = {}
    for shipped in lines:
        if (shipped.sales_order_line is None) == (shipped.purchase_order_line is None):
            raise InvalidInput(
                "Name each line by its sales-order line or its purchase-order line (one of them).",
                fields={"lines": ["Give sales_order_line or purchase_order_line."]},
            )
        if shipped.sales_order_line is not None:
            pk = by_sales.get(shipped.sales_order_line)
        else:
            pk = by_purchase.get(shipped.purchase_order_line or 0)
        if pk is None:
            named = shipped.sales_order_line or shipped.purchase_order_line
            raise InvalidInput(
                f"Line {named} is not a dropship line of {order}.", fields={"lines": ["Not a line."]}
            )
        if pk in wanted:
            raise InvalidInput(f"{by_id[pk].sku} is named twice.", fields={"lines": ["Each line once."]})
        if shipped.quantity is not None and shipped.quantity <= 0:
            raise InvalidInput(
                "A shipped quantity is greater than zero.", fields={"lines": ["Greater than zero."]}
            )
        wanted[pk] = shipped.quantity
    return wanted


def _check_open(
    order: DropshipOrder, by_id: Mapping[int, DropshipLine], quantities: Mapping[int, Decimal]
) -> None:
    for pk, quantity in sorted(quantities.items()):
        line = by_id[pk]
        if quantity <= 0 or quantity > line.open_quantity:
            raise Conflict(
                f"{line.sku} on {order} has {_q(line.open_quantity)} {line.unit} left to ship "
                f"({_q(line.shipped_quantity)} of {_q(line.quantity)} shipped); "
                f"the notice ships {_q(quantity)}.",
                code="over_shipment",
            )


def _replayed(
    order: DropshipOrder, earlier: DropshipShipment, wanted: Mapping[int, Decimal | None]
) -> ShipmentResult:
    recorded = {row.line_id: row.quantity for row in earlier.lines.all()}
    same = set(recorded) == set(wanted) and all(q is None or q == recorded[pk] for pk, q in wanted.items())
    if not same:
        raise Conflict(
            f"Tracking number {earlier.tracking_number} was already reported on {order} with other lines.",
            code="tracking_number_reported",
        )
    return ShipmentResult(order, earlier, replayed=True)


# -- compensation, from sales.order_cancelled ----------------------------------------------------


def compensate_cancelled_order(payload: dict[str, Any], envelope: EventEnvelope) -> None:
    """Listener on ``sales.order_cancelled``: undo the dropship order's purchasing.

    Not yet sent: cancelled with its purchase orders. Sent: into the exception queue for a
    buyer to cancel with the vendors. Anything else (already compensated, redelivered): nothing.
    """
    order = DropshipOrder.objects.filter(sales_order_id=payload["order_id"]).first()
    if order is None:
        return
    why = payload.get("reason") or ""
    compensate(
        order, reason=f"Sales order {payload['number']} cancelled" + (f": {why}" if why else "."), actor=ACTOR
    )


def compensate(order: DropshipOrder | int, *, reason: str, actor: Actor) -> DropshipOrder:
    """Compensate a dropship order whose sales order was cancelled (see the listener)."""
    with transaction.atomic():
        locked = _locked(order)
        waiting_for_vendor = (
            locked.status == DropshipStatus.EXCEPTION and locked.exception_kind == DropshipException.NO_VENDOR
        )
        if (
            locked.status in (DropshipStatus.PENDING, DropshipStatus.PURCHASE_ORDERS_CREATED)
            or waiting_for_vendor
        ):
            return _move(locked, "cancel", actor=actor, reason=reason)
        if locked.status == DropshipStatus.SENT:
            payload = {
                "kind": DropshipException.CANCEL_WITH_VENDOR,
                "reason": f"{reason} The purchase orders were sent: cancel them with the vendors.",
            }
            return _move(locked, "hold", actor=_as_system(actor, "sales order cancelled"), payload=payload)
        return locked


# -- the transitions' writes (declared in SupplyChainOpsConfig.ready) -----------------------------


def note_exception(change: TransitionChange) -> None:
    """``hold``: say why the order waits for a buyer."""
    order: DropshipOrder = change.instance
    order.exception_kind = change.payload["kind"]
    order.exception_reason = change.payload["reason"]


def _ship_to(order: DropshipOrder) -> ShipTo:
    return ShipTo(
        name=order.ship_to_name,
        address_line1=order.ship_to_address_line1,
        address_line2=order.ship_to_address_line2,
        postal_code=order.ship_to_postal_code,
        city=order.ship_to_city,
        region=order.ship_to_region,
        country=order.ship_to_country,
    )


def order_from_vendors(change: TransitionChange) -> int:
    """``create_purchase_orders`` / ``resume``: one dropship purchase order per vendor (and currency),
    one line per sales-order line; returns how many orders were created."""
    order: DropshipOrder = change.instance
    lines = [line for line in _locked_lines(order) if line.purchase_order_id is None]
    today = timezone.localdate()
    groups: dict[tuple[int, str], list[PurchaseLineRequest]] = defaultdict(list)
    for line in lines:
        assert line.vendor_id is not None  # the transitions' condition
        groups[(line.vendor_id, line.currency)].append(
            PurchaseLineRequest(
                line_id=line.pk,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price or Decimal(0),
                expected_date=today + dt.timedelta(days=line.lead_time_days or 0),
                vendor_sku=line.vendor_sku,
                description=f"{line.sku} for {order.sales_order_number}",
            )
        )
    requests = [
        PurchaseOrderRequest(vendor, currency, tuple(rows))
        for (vendor, currency), rows in sorted(groups.items())
    ]
    created = wiring.dropship_domains().create_purchase_orders(
        _ship_to(order), requests, reference=f"{order} ({order.sales_order_number})"
    )
    placed = {row.line_id: row for row in created}
    for line in lines:
        line.purchase_order_id = placed[line.pk].purchase_order_id
        line.purchase_order_line_id = placed[line.pk].purchase_order_line_id
    DropshipLine.objects.bulk_update(lines, ["purchase_order", "purchase_order_line"])
    return len(requests)


def _purchase_order_ids(order: DropshipOrder) -> list[int]:
    return sorted({line.purchase_order_id for line in _locked_lines(order) if line.purchase_order_id})


def send_to_vendors(change: TransitionChange) -> None:
    """``send``: every purchase order goes to its vendor, with the order notice."""
    order: DropshipOrder = change.instance
    wiring.dropship_domains().send_purchase_orders(
        _purchase_order_ids(order), actor=change.actor, customer_reference=order.customer_reference
    )
    order.sent_at = timezone.now()


def ship_lines(change: TransitionChange) -> DropshipShipment:
    """``ship_part`` / ``ship_all``: the payload's lines ship through a dropship sales shipment and
    are delivered on their purchase orders."""
    order: DropshipOrder = change.instance
    by_id = {line.pk: line for line in _locked_lines(order)}
    payload = change.payload
    try:
        quantities = {int(pk): Decimal(q) for pk, q in payload["lines"].items()}
    except (KeyError, ValueError, InvalidOperation):
        raise InvalidInput("The shipment's lines are not line ids with quantities.") from None
    unknown = sorted(set(quantities) - set(by_id))
    if unknown:
        raise InvalidInput(f"Line {unknown[0]} is not a line of {order}.")
    _check_open(order, by_id, quantities)
    rest = sum(line.open_quantity for line in by_id.values()) - sum(quantities.values())
    if (change.name == "ship_all") != (rest == 0):
        raise Conflict(
            f"{order} changed since the shipment was prepared; try again.", code="concurrent_change"
        )
    shipped_at = parse_datetime(payload["shipped_at"]) or timezone.now()
    shipped = [by_id[pk] for pk in sorted(quantities)]
    sales_shipment_id = wiring.dropship_domains().ship(
        order.sales_order_id,
        [
            DeliveredLine(
                line.sales_order_line_id,
                line.purchase_order_id,
                line.purchase_order_line_id,
                quantities[line.pk],
            )
            for line in shipped
            if line.purchase_order_id is not None and line.purchase_order_line_id is not None
        ],
        tracking_number=payload["tracking_number"],
        carrier=payload["carrier"],
        shipped_at=shipped_at,
        actor=change.actor,
    )
    shipment = DropshipShipment.objects.create(
        order=order,
        tracking_number=payload["tracking_number"],
        carrier=payload["carrier"],
        shipped_at=shipped_at,
        sales_shipment_id=sales_shipment_id,
        reported_by=change.actor_ref.label[:255],
    )
    DropshipShipmentLine.objects.bulk_create(
        [
            DropshipShipmentLine(
                tenant_id=order.tenant_id, shipment=shipment, line=line, quantity=quantities[line.pk]
            )
            for line in shipped
        ]
    )
    for line in shipped:
        line.shipped_quantity += quantities[line.pk]
    DropshipLine.objects.bulk_update(shipped, ["shipped_quantity"])
    if change.name == "ship_all":
        order.shipped_at = timezone.now()
    return shipment


def close_purchase_orders(change: TransitionChange) -> None:
    """``close``: the delivered purchase orders are closed."""
    order: DropshipOrder = change.instance
    wiring.dropship_domains().close_purchase_orders(_purchase_order_ids(order), actor=change.actor)
    order.closed_at = timezone.now()


def cancel_purchase_orders(change: TransitionChange) -> None:
    """``cancel``: its purchase orders are cancelled; sent ones with a notice to the vendor."""
    order: DropshipOrder = change.instance
    notify = (
        change.from_state == DropshipStatus.EXCEPTION
        and order.exception_kind == DropshipException.CANCEL_WITH_VENDOR
    )
    wiring.dropship_domains().cancel_purchase_orders(
        _purchase_order_ids(order), actor=change.actor, reason=change.reason, notify_vendors=notify
    )
