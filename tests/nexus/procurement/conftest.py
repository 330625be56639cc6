"""A tenant with two warehouses, products, a vendor, and people in the procurement roles."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.inventory.models import Location, LocationKind, Product, Warehouse
from nexus.procurement.models import Vendor
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.procurement import VendorFactory


@dataclass
class Site:
    tenant: Tenant
    warehouse: Warehouse
    stock_a: Location
    stock_b: Location
    hold: Location
    other_warehouse: Warehouse
    other_stock: Location
    bolt: Product
    oil: Product
    vendor: Vendor


def make_site(slug: str = "acme") -> Site:
    tenant = TenantFactory.create(slug=slug, name=slug.title())
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1")
        other = WarehouseFactory.create(code="HAM1", city="Hamburg")
        return Site(
            tenant=tenant,
            warehouse=warehouse,
            # Receipts go to the first stock location by code: A-STOCK.
            stock_b=LocationFactory.create(warehouse=warehouse, code="B-STOCK"),
            stock_a=LocationFactory.create(warehouse=warehouse, code="A-STOCK"),
            hold=LocationFactory.create(warehouse=warehouse, code="QC", kind=LocationKind.QUALITY_HOLD),
            other_warehouse=other,
            other_stock=LocationFactory.create(warehouse=other, code="STOCK"),
            bolt=ProductFactory.create(sku="BOLT-10", name="Bolt M10"),
            oil=ProductFactory.create(sku="OIL-5", name="Machine oil", unit="l", unit_decimals=2),
            vendor=VendorFactory.create(code="ACME", name="Acme Supplies"),
        )


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    """The site, with its tenant selected for the test."""
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


def member(tenant: Tenant, role: str, email: str) -> User:
    return MembershipFactory.create(tenant=tenant, role=role, user__email=email).user


@pytest.fixture
def purchaser(site: Site) -> User:
    return member(site.tenant, Role.PURCHASER, "buyer@acme.example")


@pytest.fixture
def clerk(site: Site) -> User:
    return member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")


@pytest.fixture
def accountant(site: Site) -> User:
    return member(site.tenant, Role.ACCOUNTANT, "books@acme.example")


@pytest.fixture
def viewer(site: Site) -> User:
    return member(site.tenant, Role.VIEWER, "viewer@acme.example")


@pytest.fixture
def admin_user(site: Site) -> User:
    return member(site.tenant, Role.ADMIN, "admin@acme.example")
