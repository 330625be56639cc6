"""What returns need from sales: what each line shipped and was charged, and replacement orders.

Both are batch-shaped: one call for all the lines of a return, a constant number of queries.
"""

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum

from nexus.core.errors import InvalidInput
from nexus.inventory.quantities import QUANTITY_PLACES
from nexus.sales.amounts import net_unit_price
from nexus.sales.models import SalesOrder, SalesOrderLine, ShipmentLine, ShipmentStatus

from .numbering import assign_number

QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)
ZERO = Decimal(0)


@dataclass(frozen=True)
class ShippedLine:
    """A sales-order line as a return sees it: what shipped, when, at what cost and price.

    ``unit_price`` and ``discount_percent`` are what was charged; ``net_unit_price`` is the
    price after the discount; ``shipped_cost`` the stock value of what left (posted shipments).
    """

    line_id: int
    order_id: int
    order_number: str
    customer_id: int
    currency: str
    product_id: int
    sku: str
    unit: str
    description: str
    warehouse_id: int | None
    dropship: bool
    quantity: Decimal
    shipped_quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    net_unit_price: Decimal
    shipped_cost: Decimal
    last_shipped_at: dt.datetime | None


def shipped_lines(line_ids: Collection[int], *, lock: bool = False) -> dict[int, ShippedLine]:
    """The lines (of the current tenant) by id; ``lock`` locks them (ascending id) first.

    Two queries whatever the number of lines. Lines that do not exist are left out.
    """
    rows = SalesOrderLine.objects.filter(pk__in=list(line_ids)).select_related("order", "product")
    if lock:
        rows = rows.select_for_update(of=("self",)).order_by("id")
    lines = list(rows)
    posted = (
        ShipmentLine.objects.filter(
            sales_order_line_id__in=[line.pk for line in lines], shipment__status=ShipmentStatus.POSTED
        )
        .values("sales_order_line_id")
        .annotate(cost=Sum("cost_value"), last=Max("shipment__shipped_at"))
        .order_by()
    )
    shipped = {row["sales_order_line_id"]: (row["cost"] or ZERO, row["last"]) for row in posted}
    return {
        line.pk: ShippedLine(
            line_id=line.pk,
            order_id=line.order_id,
            order_number=line.order.number,
            customer_id=line.order.customer_id,
            currency=line.order.currency_id,
            product_id=line.product_id,
            sku=line.product.sku,
            unit=line.product.unit,
            description=line.description or line.product.name,
            warehouse_id=line.warehouse_id,
            dropship=line.dropship,
            quantity=line.quantity,
            shipped_quantity=line.shipped_quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            net_unit_price=net_unit_price(line.unit_price, line.discount_percent),
            shipped_cost=shipped.get(line.pk, (ZERO, None))[0],
            last_shipped_at=shipped.get(line.pk, (ZERO, None))[1],
        )
        for line in lines
    }


def shipped_order_lines(order_ids: Collection[int]) -> dict[int, list[ShippedLine]]:
    """Every line that shipped something, of each order (by order id, lines by id)."""
    line_ids = SalesOrderLine.objects.filter(
        order_id__in=list(order_ids), shipped_quantity__gt=0
    ).values_list("pk", flat=True)
    found: dict[int, list[ShippedLine]] = {}
    for line in sorted(shipped_lines(list(line_ids)).values(), key=lambda line: line.line_id):
        found.setdefault(line.order_id, []).append(line)
    return found


def create_replacement_order(
    order_id: int, quantities: Mapping[int, Decimal], *, cause: str, requested_date: dt.date
) -> SalesOrder:
    """Draft an order replacing ``quantities`` (original line id → quantity) of ``order_id``.

    Same customer, currency and warehouses, the same products at no charge; ``cause`` (the
    return's number) is kept on the order and shown with it.
    """
    if not quantities:
        raise InvalidInput("A replacement needs at least one line.", fields={"lines": ["Required."]})
    original = SalesOrder.objects.filter(pk=order_id).first()
    if original is None:
        raise InvalidInput(f"No sales order {order_id} in this tenant.", fields={"sales_order": ["Unknown."]})
    lines = {
        line.pk: line for line in original.lines.select_related("product").filter(pk__in=list(quantities))
    }
    unknown = sorted(set(quantities) - set(lines))
    if unknown:
        raise InvalidInput(
            f"Sales-order line {', '.join(map(str, unknown))} is not a line of {original}.",
            fields={"lines": [f"Not a line of {original}."]},
        )
    with transaction.atomic():
        replacement = SalesOrder(
            customer_id=original.customer_id,
            currency_id=original.currency_id,
            warehouse_id=original.warehouse_id,
            customer_reference=original.customer_reference,
            cause=cause[:100],
            notes=f"Replacement for {original} ({cause}).",
        )
        assign_number(replacement)
        replacement.save()
        SalesOrderLine.objects.bulk_create(
            [
                SalesOrderLine(
                    tenant_id=replacement.tenant_id,
                    order=replacement,
                    product_id=lines[pk].product_id,
                    description=f"Replacement: {lines[pk].description or lines[pk].product.name}"[:200],
                    quantity=quantity,
                    unit_price=ZERO,
                    requested_date=requested_date,
                    warehouse_id=lines[pk].warehouse_id,
                    dropship=lines[pk].dropship,
                )
                for pk, quantity in sorted(quantities.items())
            ]
        )
    return replacement
