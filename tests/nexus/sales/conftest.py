"""A tenant with two warehouses holding stock, products, a customer, and people in the sales roles."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, Product, Warehouse, WarehouseKind
from nexus.inventory.services import receive
from nexus.sales.models import Customer
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.sales import CustomerFactory

STOCKER = ActorRef.system("tests: stock")


@dataclass
class Site:
    tenant: Tenant
    warehouse: Warehouse
    stock_a: Location
    stock_b: Location
    other_warehouse: Warehouse
    other_stock: Location
    dropship_warehouse: Warehouse
    bolt: Product
    nut: Product
    customer: Customer


def make_site(slug: str = "acme") -> Site:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1")
        other = WarehouseFactory.create(code="HAM1", city="Hamburg")
        return Site(
            tenant=tenant,
            warehouse=warehouse,
            stock_b=LocationFactory.create(warehouse=warehouse, code="B-STOCK"),
            stock_a=LocationFactory.create(warehouse=warehouse, code="A-STOCK"),
            other_warehouse=other,
            other_stock=LocationFactory.create(warehouse=other, code="STOCK"),
            dropship_warehouse=WarehouseFactory.create(code="DROP", kind=WarehouseKind.DROPSHIP),
            bolt=ProductFactory.create(sku="BOLT-10", name="Bolt M10"),
            nut=ProductFactory.create(sku="NUT-10", name="Nut M10"),
            customer=CustomerFactory.create(code="HANSA", name="Hansa Bau"),
        )


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    """The site, with its tenant selected for the test."""
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


def stock(location: Location, product: Product, quantity: str, unit_cost: str) -> Any:
    """Receive goods through inventory, as any document would."""
    return receive(product.pk, location.pk, Decimal(quantity), Decimal(unit_cost), actor=STOCKER)


def member(tenant: Tenant, role: str, email: str) -> User:
    return MembershipFactory.create(tenant=tenant, role=role, user__email=email).user


@pytest.fixture
def seller(site: Site) -> User:
    return member(site.tenant, Role.SALES, "sales@acme.example")


@pytest.fixture
def clerk(site: Site) -> User:
    return member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")


@pytest.fixture
def viewer(site: Site) -> User:
    return member(site.tenant, Role.VIEWER, "viewer@acme.example")


@pytest.fixture
def admin_user(site: Site) -> User:
    return member(site.tenant, Role.ADMIN, "admin@acme.example")
