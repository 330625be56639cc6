"""Dropship purchase orders: drafted with the customer's ship-to address, delivered by the vendor.

A dropship order names the tenant's dropship (virtual) warehouse, which holds no stock: a goods
receipt can never deliver it. The vendor's shipment notice does (``record_vendor_shipment``): the
quantities it names count as received on the order lines, so the order becomes partially received
or received like any other, the vendor's bill sees them as received and the vendor's delivery
statistics count them (``services.vendors.delivery_history``). No stock moves.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound, TransitionNotAllowed
from nexus.core.exchange_rates.lookup import ExchangeRates, MissingExchangeRate
from nexus.core.models.refs import ObjectRef
from nexus.core.transitions import Actor
from nexus.core.transitions.actors import actor_ref, follow_up_actor
from nexus.inventory.models import Warehouse, WarehouseKind
from nexus.procurement.models import (
    RECEIVABLE_STATES,
    PurchaseOrder,
    PurchaseOrderLine,
    Vendor,
    VendorShipment,
    VendorShipmentLine,
)

from .numbering import assign_number
from .purchase_orders import follow_receipts


@dataclass(frozen=True)
class ShipTo:
    """Where the vendor ships a dropship order: the customer's name and shipping address."""

    name: str
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class DropshipLineRequest:
    """One line of a dropship order: a product, how many, at what price, expected when."""

    product_id: int
    quantity: Decimal
    unit_price: Decimal
    expected_date: dt.date
    vendor_sku: str = ""
    description: str = ""


def dropship_warehouse_id() -> int | None:
    """The tenant's first active dropship warehouse by code, which dropship orders name; or None."""
    return (
        Warehouse.objects.filter(kind=WarehouseKind.DROPSHIP, active=True)
        .order_by("code", "id")
        .values_list("pk", flat=True)
        .first()
    )


def create_dropship_order(
    *,
    vendor_id: int,
    currency: str,
    ship_to: ShipTo,
    lines: Sequence[DropshipLineRequest],
    notes: str = "",
) -> PurchaseOrder:
    """Draft a dropship purchase order to ``vendor_id``, one order line per request, in order.

    Priced in ``currency`` at the day's exchange rate into the tenant's (left at 1 when there is
    none, which sending then refuses with the reason). Raises ``InvalidInput`` without a
    dropship warehouse, a ship-to name or lines.
    """
    warehouse_id = dropship_warehouse_id()
    if warehouse_id is None:
        raise InvalidInput("The tenant has no active dropship warehouse for dropship purchase orders.")
    if not ship_to.name.strip() or not lines:
        raise InvalidInput("A dropship purchase order needs a ship-to name and at least one line.")
    vendor = Vendor.objects.get(pk=vendor_id)
    today = timezone.localdate()
    try:
        rate = ExchangeRates.for_current_tenant().rate(currency, today)
    except MissingExchangeRate:
        rate = Decimal(1)
    with transaction.atomic():
        order = PurchaseOrder(
            vendor=vendor,
            warehouse_id=warehouse_id,
            currency_id=currency,
            exchange_rate=rate,
            order_date=today,
            notes=notes,
            dropship=True,
            ship_to_name=ship_to.name[:200],
            ship_to_address_line1=ship_to.address_line1,
            ship_to_address_line2=ship_to.address_line2,
            ship_to_postal_code=ship_to.postal_code,
            ship_to_city=ship_to.city,
            ship_to_region=ship_to.region,
            ship_to_country=ship_to.country,
        )
        assign_number(order)
        order.save()
        PurchaseOrderLine.objects.bulk_create(
            [
                PurchaseOrderLine(
                    tenant_id=order.tenant_id,
                    order=order,
                    product_id=line.product_id,
                    description=line.description[:200],
                    vendor_sku=line.vendor_sku[:64],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    expected_date=line.expected_date,
                )
                for line in lines
            ]
        )
    return order


def record_vendor_shipment(
    order_id: int,
    quantities: Mapping[int, Decimal],
    *,
    tracking_number: str,
    actor: Actor,
    carrier: str = "",
    shipped_at: dt.datetime | None = None,
) -> VendorShipment:
    """Record the vendor's notice that it shipped ``quantities`` (per order-line id) of a dropship order.

    Locks the order, then its lines; refuses (409) an order that is not a sent dropship order, a
    line of another order, or more than a line still has open — dropship lines map one to one to
    what the customer ordered, so there is no over-receipt tolerance. The quantities count as
    received; the order follows (partially received, received). Audited.
    """
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound(f"No purchase order {order_id} in this tenant.")
        if not order.dropship:
            raise TransitionNotAllowed(f"cannot record a vendor shipment: {order} is not a dropship order")
        if order.status not in RECEIVABLE_STATES:
            raise TransitionNotAllowed(
                f"cannot record a vendor shipment: {order} is {order.get_status_display().lower()}"
            )
        lines = {
            line.pk: line
            for line in PurchaseOrderLine.objects.select_for_update()
            .select_related("product")
            .filter(order=order)
            .order_by("id")
        }
        wanted = {pk: quantity for pk, quantity in quantities.items() if quantity > 0}
        if not wanted:
            raise InvalidInput(f"Nothing shipped on {order}.")
        for pk, quantity in sorted(wanted.items()):
            line = lines.get(pk)
            if line is None:
                raise InvalidInput(f"Purchase-order line {pk} is not a line of {order}.")
            if quantity > line.open_quantity:
                raise Conflict(
                    f"{line.product.sku} on {order} has {_q(line.open_quantity)} {line.product.unit} "
                    f"open; the vendor cannot ship {_q(quantity)}.",
                    code="over_shipment",
                )
        shipment = VendorShipment.objects.create(
            purchase_order=order,
            tracking_number=tracking_number[:100],
            carrier=carrier[:100],
            shipped_at=shipped_at or timezone.now(),
        )
        VendorShipmentLine.objects.bulk_create(
            [
                VendorShipmentLine(
                    tenant_id=order.tenant_id, shipment=shipment, purchase_order_line=lines[pk], quantity=q
                )
                for pk, q in sorted(wanted.items())
            ]
        )
        for pk, quantity in wanted.items():
            lines[pk].received_quantity += quantity
        PurchaseOrderLine.objects.bulk_update([lines[pk] for pk in sorted(wanted)], ["received_quantity"])
        record_event(
            "procurement.vendor_shipment_recorded",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(order),
            data={
                "vendor_shipment_id": shipment.pk,
                "tracking_number": shipment.tracking_number,
                "lines": [[pk, str(q)] for pk, q in sorted(wanted.items())],
            },
        )
        why = f"vendor shipment {shipment.tracking_number} on {order}"
        follow_receipts(order, actor=follow_up_actor(actor, why), reason=f"{why.capitalize()}.")
    return shipment


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"
