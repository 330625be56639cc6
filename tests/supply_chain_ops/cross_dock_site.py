"""A cross-docking warehouse with three confirmed orders waiting for bolts, for the cross-dock tests."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, LocationKind, Product, StockMove, Warehouse
from nexus.inventory.services import add_default_location, receive
from nexus.sales.models import SalesOrder, SalesOrderLine
from nexus.sales.services import confirm_order
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.sales import CustomerFactory, SalesOrderFactory, SalesOrderLineFactory

RECEIVER = ActorRef.system("tests: goods receipt")


@dataclass
class CrossDockSite:
    tenant: Tenant
    warehouse: Warehouse
    stock: Location
    staging: Location
    bolt: Product
    seller: User
    clerk: User
    # Confirmed with no stock: promised 12 June (4), 10 June (5), 11 June (6).
    orders: list[SalesOrder]

    def line(self, index: int) -> SalesOrderLine:
        return self.orders[index].lines.get()

    def receive(self, quantity: str) -> StockMove:
        return receive(self.bolt.pk, self.stock.pk, Decimal(quantity), Decimal("2.00"), actor=RECEIVER)


def make_cross_dock_site(slug: str = "acme") -> CrossDockSite:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1", cross_docking=True)
        stock = add_default_location(warehouse)
        assert stock is not None
        bolt = ProductFactory.create(sku="BOLT-10")
        customer = CustomerFactory.create(code="HANSA")
        seller = MembershipFactory.create(
            tenant=tenant, role=Role.SALES, user__email="sell@acme.example"
        ).user
        orders = []
        for quantity, day in (("4", 12), ("5", 10), ("6", 11)):
            order = SalesOrderFactory.create(customer=customer, warehouse=warehouse)
            SalesOrderLineFactory.create(
                order=order,
                product=bolt,
                quantity=Decimal(quantity),
                requested_date=dt.date(2026, 6, day),
                promised_date=dt.date(2026, 6, day),
            )
            orders.append(confirm_order(order, actor=seller).instance)
        return CrossDockSite(
            tenant=tenant,
            warehouse=warehouse,
            stock=stock,
            staging=warehouse.locations.get(kind=LocationKind.STAGING),
            bolt=bolt,
            seller=seller,
            clerk=MembershipFactory.create(
                tenant=tenant, role=Role.WAREHOUSE_CLERK, user__email="clerk@acme.example"
            ).user,
            orders=orders,
        )


@pytest.fixture
def cross_dock_site(db: None) -> Iterator[CrossDockSite]:
    made = make_cross_dock_site()
    with scope.tenant(made.tenant):
        yield made
