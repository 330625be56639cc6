"""Demo transfer orders: one in transit, one partly received, one waiting for approval.

Runs after the year of history, through the transfer workflow as the demo admin, so reservations,
transit moves and receipts are made the way production makes them. Idempotent: a tenant that
already has transfer orders gets nothing new.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nexus.core import scope
from nexus.inventory.models import StockAvailability, Warehouse, WarehouseKind
from nexus.inventory.services import add_role_locations
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import TransferOrder
from supply_chain_ops.workflows import transfers

QUANTITY = Decimal(10)


def load_transfers(tenant: Tenant, actor: object) -> int:
    """Create the demo's transfers between its first two warehouses; return how many."""
    with scope.tenant(tenant), transaction.atomic():
        if TransferOrder.objects.exists():
            return 0
        warehouses = list(
            Warehouse.objects.filter(kind=WarehouseKind.PHYSICAL, active=True).order_by("code")[:2]
        )
        if len(warehouses) < 2:
            return 0
        for warehouse in warehouses:
            add_role_locations(warehouse)
        source, destination = warehouses
        stocked = list(
            StockAvailability.objects.filter(warehouse=source, product__active=True)
            .annotate(free=F("on_hand_sellable") - F("reserved"))
            .filter(free__gte=QUANTITY)
            .order_by("product_id")
            .values_list("product_id", flat=True)[:4]
        )
        if len(stocked) < 4:
            return 0
        today = timezone.localdate()

        def drafted(*product_ids: int, days: int) -> TransferOrder:
            return transfers.draft_transfer(
                source_warehouse_id=source.pk,
                destination_warehouse_id=destination.pk,
                expected_date=today + dt.timedelta(days=days),
                lines=[(product_id, QUANTITY) for product_id in product_ids],
                actor=actor,
                notes="Demo: rebalancing stock between the first two warehouses.",
            )

        in_transit = drafted(stocked[0], stocked[1], days=3)
        transfers.ship(transfers.approve(in_transit, actor=actor), actor=actor)
        partly = drafted(stocked[2], days=1)
        partly = transfers.ship(transfers.approve(partly, actor=actor), actor=actor)
        transfers.receive(partly, {partly.lines.get().pk: QUANTITY / 2}, actor=actor)
        drafted(stocked[3], days=7)
        return 3
