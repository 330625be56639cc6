"""Three warehouses (Berlin, Hamburg, Munich), a bolt shipped ten a day from Berlin for four
weeks, its vendor (minimum 100, cases of 12, 9 days), and a planner — for the planning tests."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, MoveReason, Product, Warehouse
from nexus.inventory.services import add_default_location, issue, receive
from nexus.procurement.models import Vendor
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.procurement import VendorFactory, VendorProductFactory

HISTORY_DAYS = 28
SYSTEM = ActorRef.system("test stock")


@dataclass
class PlanningSite:
    tenant: Tenant
    berlin: Warehouse
    hamburg: Warehouse
    munich: Warehouse
    stock: dict[int, Location]
    bolt: Product
    vendor: Vendor
    planner: User
    today: dt.date

    def set_policy(self, **values: Any) -> None:
        self.tenant.policies = {f"replenishment_{k}": v for k, v in values.items()} | {
            "replenishment_history_days": HISTORY_DAYS
        }
        self.tenant.save(update_fields=["policies"])

    def put(self, warehouse: Warehouse, quantity: int, product: Product | None = None) -> None:
        receive((product or self.bolt).pk, self.stock[warehouse.pk].pk, quantity, "2.00", actor=SYSTEM)


def make_planning_site() -> PlanningSite:
    tenant = TenantFactory.create(slug="plan", name="Plan")
    with scope.tenant(tenant):
        berlin = WarehouseFactory.create(code="BER1", latitude=Decimal("52.52"), longitude=Decimal("13.405"))
        hamburg = WarehouseFactory.create(
            code="HAM1", latitude=Decimal("53.5511"), longitude=Decimal("9.9937")
        )
        munich = WarehouseFactory.create(
            code="MUC1", latitude=Decimal("48.1351"), longitude=Decimal("11.582")
        )
        stock = {}
        for warehouse in (berlin, hamburg, munich):
            location = add_default_location(warehouse)
            assert location is not None
            stock[warehouse.pk] = location
        bolt = ProductFactory.create(sku="BOLT-10")
        vendor = VendorFactory.create(code="FAST")
        VendorProductFactory.create(
            vendor=vendor,
            product=bolt,
            minimum_order_quantity=Decimal(100),
            order_multiple=Decimal(12),
            lead_time_days=9,
        )
        today = timezone.localdate()
        receive(
            bolt.pk,
            stock[berlin.pk].pk,
            300,
            "2.00",
            actor=SYSTEM,
            occurred_at=timezone.now() - dt.timedelta(days=HISTORY_DAYS + 2),
        )
        for days_ago in range(HISTORY_DAYS, 0, -1):
            moment = timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(12))
            )
            issue(
                bolt.pk, stock[berlin.pk].pk, 10, actor=SYSTEM, reason=MoveReason.SHIPMENT, occurred_at=moment
            )
        planner = MembershipFactory.create(
            tenant=tenant, role=Role.PURCHASER, user__email="plan@plan.example"
        ).user
        site = PlanningSite(tenant, berlin, hamburg, munich, stock, bolt, vendor, planner, today)
        site.set_policy()
        return site


@pytest.fixture
def planning_site(db: None) -> Iterator[PlanningSite]:
    made = make_planning_site()
    with scope.tenant(made.tenant):
        yield made
