"""Demo dropship orders, one in each state, from sales orders with dropship lines.

Made through the sales and dropship workflows as the demo administrator: sales orders are
confirmed, then opened, bought, sent, shipped by their vendors (tracking numbers), closed,
held for a buyer or compensated. The pending one (opened, its vendors not chosen yet) is opened for
an open order of the simulated history with a dropship line, when there is one: its events are
never dispatched, so nothing moves it on (a new order's confirmation would choose its vendors as
soon as the load commits). Idempotent: a tenant that
already has dropship orders gets none.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from nexus.core import scope
from nexus.inventory.models import Product, StockAvailability, WarehouseKind
from nexus.procurement.models import VendorProduct
from nexus.sales.models import Customer, SalesOrder, SalesOrderLine, SalesOrderStatus
from nexus.sales.services import assign_number, cancel_order, confirm_order
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import DropshipOrder
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine

ONE = Decimal(1)


def _lots(currency: str) -> list[tuple[int, Decimal]]:
    """(product, quantity) pairs of different preferred vendors, each quantity the smallest whole
    lot the preferred vendor ships (its minimum, in its multiples)."""
    rows = (
        VendorProduct.objects.filter(
            active=True, vendor__active=True, product__active=True, currency_id=currency
        )
        .order_by("product_id", "priority", "unit_price", "lead_time_days", "vendor__code")
        .values_list("product_id", "vendor_id", "minimum_order_quantity", "order_multiple")
    )
    preferred: dict[int, tuple[int, Decimal]] = {}
    for product_id, vendor_id, minimum, multiple in rows:
        lot = (max(minimum, multiple, ONE) / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
        preferred.setdefault(product_id, (vendor_id, lot))
    by_vendor: dict[int, tuple[int, Decimal]] = {}
    for product_id, (vendor_id, lot) in sorted(preferred.items()):
        by_vendor.setdefault(vendor_id, (product_id, lot))
    return [by_vendor[vendor_id] for vendor_id in sorted(by_vendor)]


def _product_without_a_vendor(excluded: Sequence[int]) -> int | None:
    """A product no active vendor ships one of: no active terms, or only terms with larger lots."""
    fitting = Count(
        "vendor_terms",
        filter=Q(
            vendor_terms__active=True,
            vendor_terms__vendor__active=True,
            vendor_terms__minimum_order_quantity__lte=ONE,
            vendor_terms__order_multiple=ONE,
        ),
    )
    return (
        Product.objects.filter(active=True)
        .exclude(pk__in=excluded)
        .annotate(fitting=fitting)
        .filter(fitting=0)
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )


def load_dropship(tenant: Tenant, actor: object) -> int:
    """Create the demo's dropship orders; return how many."""
    with scope.tenant(tenant), transaction.atomic():
        if DropshipOrder.objects.exists():
            return 0
        customers = Customer.objects.filter(active=True)
        customer = (
            customers.exclude(address_line1="").order_by("code").first() or customers.order_by("code").first()
        )
        lots = _lots(tenant.default_currency)
        if customer is None or not lots:
            return 0
        stocked = (
            StockAvailability.objects.filter(
                warehouse__kind=WarehouseKind.PHYSICAL, product__active=True, on_hand_sellable__gte=10
            )
            .order_by("warehouse__code", "product_id")
            .values_list("product_id", "warehouse_id")
            .first()
        )
        # Two vendors where the catalogue prefers two; otherwise one vendor does for both.
        (first, one_first), (second, one_second) = lots[0], lots[min(1, len(lots) - 1)]
        today = timezone.localdate()

        def opened(*dropship_lines: tuple[int, Decimal], with_stocked: bool = False) -> DropshipOrder:
            order = SalesOrder(customer=customer, currency_id=customer.currency_id, customer_reference="DEMO")
            assign_number(order)
            order.save()
            lines = [(product, quantity, None) for product, quantity in dropship_lines]
            if with_stocked and stocked is not None:
                lines.append((stocked[0], ONE, stocked[1]))
            SalesOrderLine.objects.bulk_create(
                [
                    SalesOrderLine(
                        tenant_id=order.tenant_id,
                        order=order,
                        product_id=product,
                        quantity=quantity,
                        unit_price=Decimal("100.00"),
                        requested_date=today + dt.timedelta(days=10),
                        warehouse_id=warehouse,
                        dropship=warehouse is None,
                    )
                    for product, quantity, warehouse in lines
                ]
            )
            confirm_order(order, actor=actor)
            made = dropship.open_dropship_order(order.pk, actor=actor)
            assert made is not None
            return dropship.choose_vendors_and_order(made, actor=actor)

        def shipped(order: DropshipOrder, count: int, number: str) -> DropshipOrder:
            """The vendor ships the order's first ``count`` lines."""
            lines = [
                ShippedLine(sales_order_line=line.sales_order_line_id)
                for line in order.lines.order_by("id")[:count]
            ]
            return dropship.record_vendor_shipment(
                order, lines, tracking_number=f"1Z{number}", carrier="UPS", actor=actor
            ).order

        count = 0
        history = (
            SalesOrderLine.objects.filter(
                dropship=True, shipped_quantity=0, order__status=SalesOrderStatus.CONFIRMED
            )
            .order_by("-order_id")
            .values_list("order_id", flat=True)
            .first()
        )
        if history is not None and dropship.open_dropship_order(history, actor=actor) is not None:
            count += 1  # pending: its vendors not chosen yet
        opened((first, 2 * one_first), (second, one_second), with_stocked=True)  # purchase orders created
        dropship.send(opened((first, one_first)), actor=actor)  # sent
        partly = dropship.send(
            opened((first, one_first), (second, one_second), with_stocked=True), actor=actor
        )
        shipped(partly, 1, "DEMO0001")  # partially shipped
        done = dropship.send(opened((second, one_second)), actor=actor)
        shipped(done, 1, "DEMO0002")  # shipped
        closing = dropship.send(opened((first, one_first)), actor=actor)
        dropship.close(shipped(closing, 1, "DEMO0003"), actor=actor)  # closed
        count += 5
        orphan = _product_without_a_vendor([first, second])
        if orphan is not None:
            opened((first, one_first), (orphan, ONE))  # exception: a line without a vendor
            count += 1
        for was_sent in (True, False):  # exception (cancel with the vendors) and cancelled
            order = opened((second, one_second))
            if was_sent:
                order = dropship.send(order, actor=actor)
            reason = "Customer withdrew the order."
            cancel_order(order.sales_order_id, actor=actor, reason=reason)
            dropship.compensate(
                order, reason=f"Sales order {order.sales_order_number} cancelled: {reason}", actor=actor
            )
            count += 1
        return count
