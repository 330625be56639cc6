"""Two warehouses with stock, a planner and a warehouse clerk, for the transfer-order tests."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, LocationKind, Product, Warehouse
from nexus.inventory.services import add_default_location, receive
from nexus.tenancy.models import Role, Tenant
from supply_chain_ops.models import TransferOrder
from supply_chain_ops.workflows import transfers
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory

SHIP_DATE = dt.date(2026, 3, 2)
EXPECTED = dt.date(2026, 3, 5)


@dataclass
class TransferSite:
    tenant: Tenant
    berlin: Warehouse
    hamburg: Warehouse
    berlin_stock: Location
    berlin_transit: Location
    hamburg_stock: Location
    bolt: Product
    oil: Product
    planner: User
    clerk: User


def make_transfer_site(slug: str = "acme") -> TransferSite:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        berlin = WarehouseFactory.create(code="BER1")
        hamburg = WarehouseFactory.create(code="HAM1", city="Hamburg")
        berlin_stock = add_default_location(berlin)
        hamburg_stock = add_default_location(hamburg)
        assert berlin_stock is not None
        assert hamburg_stock is not None
        bolt = ProductFactory.create(sku="BOLT-10")
        oil = ProductFactory.create(sku="OIL-5", unit="l", unit_decimals=2)
        system = ActorRef.system("test stock")
        receive(bolt.pk, berlin_stock.pk, 100, "2.00", actor=system)
        receive(oil.pk, berlin_stock.pk, "50.5", "4.00", actor=system)
        return TransferSite(
            tenant=tenant,
            berlin=berlin,
            hamburg=hamburg,
            berlin_stock=berlin_stock,
            berlin_transit=berlin.locations.get(kind=LocationKind.TRANSIT),
            hamburg_stock=hamburg_stock,
            bolt=bolt,
            oil=oil,
            planner=MembershipFactory.create(
                tenant=tenant, role=Role.PURCHASER, user__email="plan@acme.example"
            ).user,
            clerk=MembershipFactory.create(
                tenant=tenant, role=Role.WAREHOUSE_CLERK, user__email="clerk@acme.example"
            ).user,
        )


@pytest.fixture
def transfer_site(db: None) -> Iterator[TransferSite]:
    made = make_transfer_site()
    with scope.tenant(made.tenant):
        yield made


def draft(site: TransferSite, *lines: tuple[Product, str]) -> TransferOrder:
    return transfers.draft_transfer(
        source_warehouse_id=site.berlin.pk,
        destination_warehouse_id=site.hamburg.pk,
        ship_date=SHIP_DATE,
        expected_date=EXPECTED,
        lines=[(product.pk, Decimal(quantity)) for product, quantity in lines],
        actor=site.planner,
    )


def line_figures(order: TransferOrder) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [
        (line.sku, line.shipped_quantity, line.received_quantity, line.written_off_quantity)
        for line in order.lines.order_by("id")
    ]
