"""Demo dropship orders, one in each state, from sales orders with dropship lines.

Made through the sales and dropship workflows as the demo administrator: sales orders are
confirmed, then opened, bought, sent, shipped by their vendors (tracking numbers), closed,
held for a buyer or compensated. The pending one is opened for an open order of the simulated
history, whose events are never dispatched, so nothing moves it on. Idempotent: a tenant that
already has dropship orders gets none.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

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
TWO = Decimal(2)


def _fitting_products(currency: str) -> list[tuple[int, int]]:
    """(product, preferred vendor) pairs whose preferred terms ship any whole quantity, by vendor."""
    rows = (
        VendorProduct.objects.filter(
            active=True,
            vendor__active=True,
            product__active=True,
            currency_id=currency,
            minimum_order_quantity__lte=ONE,
            order_multiple=ONE,
        )
        .order_by("product_id", "priority", "unit_price", "lead_time_days", "id")
        .values_list("product_id", "vendor_id")
    )
    chosen: dict[int, int] = {}
    for product_id, vendor_id in rows:
        chosen.setdefault(product_id, vendor_id)
    by_vendor: dict[int, int] = {}
    for product_id, vendor_id in sorted(chosen.items()):
        by_vendor.setdefault(vendor_id, product_id)
    return [(product_id, vendor_id) for vendor_id, product_id in sorted(by_vendor.items())]


def _product_without_a_vendor() -> int | None:
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
        customer = Customer.objects.filter(active=True).exclude(address_line1="").order_by("code").first()
        pairs = _fitting_products(tenant.default_currency)
        if customer is None or len(pairs) < 2:
            return 0
        stocked = (
            StockAvailability.objects.filter(
                warehouse__kind=WarehouseKind.PHYSICAL, product__active=True, on_hand_sellable__gte=10
            )
            .order_by("warehouse__code", "product_id")
            .values_list("product_id", "warehouse_id")
            .first()
        )
        (first, _), (second, _) = pairs[0], pairs[1]
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

        def shipped(order: DropshipOrder, products: Sequence[int], number: str) -> DropshipOrder:
            lines = [
                ShippedLine(sales_order_line=line.sales_order_line_id)
                for line in order.lines.order_by("id")
                if line.product_id in products
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
        opened((first, TWO), (second, ONE), with_stocked=True)  # purchase orders created
        dropship.send(opened((first, ONE)), actor=actor)  # sent
        partly = dropship.send(opened((first, TWO), (second, TWO), with_stocked=True), actor=actor)
        shipped(partly, [first], "DEMO0001")  # partially shipped
        done = dropship.send(opened((second, ONE)), actor=actor)
        shipped(done, [second], "DEMO0002")  # shipped
        closing = dropship.send(opened((first, ONE)), actor=actor)
        dropship.close(shipped(closing, [first], "DEMO0003"), actor=actor)  # closed
        count += 5
        orphan = _product_without_a_vendor()
        if orphan is not None:
            opened((first, ONE), (orphan, ONE))  # exception: a line without a vendor
            count += 1
        for was_sent in (True, False):  # exception (cancel with the vendors) and cancelled
            order = opened((second, ONE))
            if was_sent:
                order = dropship.send(order, actor=actor)
            reason = "Customer withdrew the order."
            cancel_order(order.sales_order_id, actor=actor, reason=reason)
            dropship.compensate(
                order, reason=f"Sales order {order.sales_order_number} cancelled: {reason}", actor=actor
            )
            count += 1
        return count
