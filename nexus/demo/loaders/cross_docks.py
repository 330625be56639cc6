"""Demo cross-docking: a warehouse that cross-docks, two orders waiting for a product, and a
delivery short of both that went to staging for them (oldest promise first).

Runs after the transfers, through the sales and cross-docking workflows as the demo admin, so
the reservations, staging moves and the cross-dock record are made the way production makes
them. Idempotent: a tenant that already has a cross-dock gets nothing new.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nexus.core import scope
from nexus.core.transitions.actors import actor_ref
from nexus.inventory.models import LocationKind, StockAvailability, Warehouse, WarehouseKind
from nexus.inventory.services import add_role_locations, receive
from nexus.sales.models import Customer, SalesOrder, SalesOrderLine, short_stock_lines
from nexus.sales.services import assign_number, confirm_order
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import CrossDock
from supply_chain_ops.workflows.cross_docking import cross_dock_receipt

WAITING = (Decimal(6), Decimal(4))  # what each order still lacks
DELIVERED = Decimal(8)


def load_cross_docks(tenant: Tenant, actor: object) -> int:
    """Stage a delivery for two waiting orders at the first warehouse; return how many cross-docks."""
    with scope.tenant(tenant), transaction.atomic():
        if CrossDock.objects.exists():
            return 0
        warehouse = (
            Warehouse.objects.filter(kind=WarehouseKind.PHYSICAL, active=True).order_by("code").first()
        )
        customers = list(Customer.objects.filter(active=True).order_by("code")[:2])
        if warehouse is None or len(customers) < 2:
            return 0
        stock = warehouse.locations.filter(kind=LocationKind.STOCK, active=True).order_by("code").first()
        # A product no other order is waiting for, so the delivery goes to the two made here.
        waited_for = short_stock_lines().filter(warehouse=warehouse).values("product_id")
        pool = (
            StockAvailability.objects.filter(warehouse=warehouse, product__active=True)
            .exclude(product_id__in=waited_for)
            .annotate(free=F("on_hand_sellable") - F("reserved"))
            .select_related("product")
            .order_by("free", "product_id")
            .first()
        )
        if stock is None or pool is None:
            return 0
        add_role_locations(warehouse)
        warehouse.cross_docking = True
        warehouse.save(update_fields=["cross_docking", "updated_at"])
        today = timezone.localdate()
        free = max(pool.on_hand_sellable - pool.reserved, Decimal(0))
        for index, (customer, short) in enumerate(zip(customers, WAITING, strict=True)):
            order = SalesOrder(customer=customer, currency_id=customer.currency_id, warehouse=warehouse)
            order.notes = "Demo: waiting for the next delivery (cross-docked)."
            assign_number(order)
            order.save()
            promised = today + dt.timedelta(days=2 + index)
            SalesOrderLine.objects.create(
                order=order,
                product=pool.product,
                quantity=short + (free if index == 0 else 0),
                unit_price=Decimal("25.00"),
                requested_date=promised,
                promised_date=promised,
                warehouse=warehouse,
            )
            confirm_order(order, actor=actor)
        move = receive(
            pool.product_id, stock.pk, DELIVERED, pool.average_unit_cost or 1, actor=actor_ref(actor)
        )
        return 1 if cross_dock_receipt(move.pk) is not None else 0
