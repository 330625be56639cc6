"""A tenant with a warehouse (stock, staging, quality-hold locations), a second warehouse and a product."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, LocationKind, Product, Warehouse
from nexus.tenancy.models import Tenant
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import TenantFactory

ACTOR = ActorRef.system("tests")


@dataclass
class Site:
    tenant: Tenant
    product: Product
    warehouse: Warehouse
    stock: Location
    staging: Location
    hold: Location
    other_warehouse: Warehouse
    other_stock: Location


def make_site(slug: str = "acme") -> Site:
    tenant = TenantFactory.create(slug=slug)
    with scope.tenant(tenant):
        warehouse = WarehouseFactory.create(code="BER1")
        other = WarehouseFactory.create(code="HAM1", city="Hamburg")
        return Site(
            tenant=tenant,
            product=ProductFactory.create(sku="BOLT-10"),
            warehouse=warehouse,
            stock=LocationFactory.create(warehouse=warehouse, code="STOCK"),
            staging=LocationFactory.create(warehouse=warehouse, code="STAGE", kind=LocationKind.STAGING),
            hold=LocationFactory.create(warehouse=warehouse, code="QC", kind=LocationKind.QUALITY_HOLD),
            other_warehouse=other,
            other_stock=LocationFactory.create(warehouse=other, code="STOCK"),
        )


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    """The site, with its tenant selected for the test."""
    made = make_site()
    with scope.tenant(made.tenant):
        yield made
