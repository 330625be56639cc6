"""A tenant that sells dropship goods: vendors with terms, a dropship warehouse, stock, a customer."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.events.delivery import deliver
from nexus.core.events.registry import find_listener
from nexus.core.models import OutboxEvent
from nexus.inventory.models import Location, Product, Warehouse, WarehouseKind
from nexus.inventory.services import receive
from nexus.procurement.models import Vendor
from nexus.sales.models import Customer, SalesOrder
from nexus.sales.services import confirm_order
from nexus.tenancy.models import Role, Tenant
from supply_chain_ops.models import DropshipOrder
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.procurement import VendorFactory, VendorProductFactory
from tests.factories.sales import CustomerFactory, SalesOrderFactory, SalesOrderLineFactory
from tests.supply_chain_ops.conftest import SYSTEM

OPENING = "supply_chain.dropship_orders"
COMPENSATION = "supply_chain.dropship_compensation"


@dataclass
class DropshipSite:
    tenant: Tenant
    warehouse: Warehouse
    stock: Location
    dropship_warehouse: Warehouse
    desk: Product  # ACME (priority 1) or BETA (priority 2)
    lamp: Product  # BETA only
    chair: Product  # no vendor terms
    bolt: Product  # stocked in BER1
    acme: Vendor
    beta: Vendor
    customer: Customer
    seller: User
    buyer: User


def make_dropship_site(slug: str = "shop") -> DropshipSite:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1")
        stock = LocationFactory.create(warehouse=warehouse, code="STOCK")
        acme = VendorFactory.create(code="ACME", name="Acme Furniture", email="orders@acme.example")
        beta = VendorFactory.create(code="BETA", name="Beta Lighting", email="sales@beta.example")
        desk = ProductFactory.create(sku="DESK-1", name="Standing desk")
        lamp = ProductFactory.create(sku="LAMP-2", name="Desk lamp")
        chair = ProductFactory.create(sku="CHAIR-3", name="Office chair")
        bolt = ProductFactory.create(sku="BOLT-10", name="Bolt M10")
        VendorProductFactory.create(
            vendor=acme,
            product=desk,
            unit_price=Decimal("300"),
            priority=1,
            lead_time_days=5,
            vendor_sku="A-DESK",
        )
        VendorProductFactory.create(vendor=beta, product=desk, unit_price=Decimal("250"), priority=2)
        VendorProductFactory.create(
            vendor=beta,
            product=lamp,
            unit_price=Decimal("20"),
            priority=1,
            lead_time_days=3,
            vendor_sku="B-LAMP",
        )
        receive(bolt.pk, stock.pk, Decimal(50), Decimal("2"), actor=SYSTEM)
        customer = CustomerFactory.create(
            code="HANSA",
            name="Hansa Bau",
            address_line1="Hafenstr. 1",
            postal_code="20457",
            city="Hamburg",
            country="DE",
        )
        return DropshipSite(
            tenant=tenant,
            warehouse=warehouse,
            stock=stock,
            dropship_warehouse=WarehouseFactory.create(code="DROP", kind=WarehouseKind.DROPSHIP),
            desk=desk,
            lamp=lamp,
            chair=chair,
            bolt=bolt,
            acme=acme,
            beta=beta,
            customer=customer,
            seller=MembershipFactory.create(
                tenant=tenant, role=Role.SALES, user__email=f"sales@{slug}.example"
            ).user,
            buyer=MembershipFactory.create(
                tenant=tenant, role=Role.PURCHASER, user__email=f"buyer@{slug}.example"
            ).user,
        )


@pytest.fixture
def dropship_site(db: None) -> Iterator[DropshipSite]:
    made = make_dropship_site()
    with scope.tenant(made.tenant):
        yield made


def confirmed(site: DropshipSite, *lines: tuple[Product, str, bool]) -> SalesOrder:
    """A confirmed sales order of (product, quantity, dropship) lines; stocked lines from BER1."""
    order = SalesOrderFactory.create(
        customer=site.customer, warehouse=site.warehouse, customer_reference="PO-778"
    )
    for product, quantity, dropship in lines:
        SalesOrderLineFactory.create(
            order=order,
            product=product,
            quantity=Decimal(quantity),
            dropship=dropship,
            warehouse=None if dropship else site.warehouse,
            requested_date=dt.date.today() + dt.timedelta(days=7),
        )
    return confirm_order(order, actor=site.seller).instance


def deliver_latest(name: str, listener: str) -> OutboxEvent:
    """Deliver the latest event ``name`` to one listener, as the outbox would."""
    event = OutboxEvent.objects.filter(name=name).latest("id")
    deliver(event, find_listener(name, listener))  # type: ignore[arg-type]
    return event


def opened(site: DropshipSite, *lines: tuple[Product, str, bool]) -> DropshipOrder:
    """A confirmed sales order whose confirmation the dropship listener has handled."""
    order = confirmed(site, *lines)
    deliver_latest("sales.order_confirmed", OPENING)
    return DropshipOrder.objects.get(sales_order=order)


def as_list(rows: Any) -> list[Any]:
    return list(rows)
