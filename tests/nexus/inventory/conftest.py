"""A tenant with a warehouse (stock, staging, quality-hold locations), a second warehouse, a product
and a line to reserve for."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Location, LocationKind, Product, Warehouse
from nexus.inventory.services import SourceRef
from nexus.tenancy.models import Tenant
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory, reservation_source
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
    line: SourceRef  # what the site's reservations are for


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
            line=reservation_source(),
        )


@pytest.fixture
def site(db: None) -> Iterator[Site]:
    """The site, with its tenant selected for the test."""
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


class ScopeKeepingMixin:
    """Give the test its tenant scope back after each request.

    The tenant middleware clears the scope when a request ends, and the test clients run
    requests in the test's own thread, so without this the test would lose its tenant.
    """

    tenant_id: int

    def request(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().request(*args, **kwargs)  # type: ignore[misc]
        finally:
            scope.activate(scope.Scope(tenant_id=self.tenant_id))


class TenantClient(ScopeKeepingMixin, Client):
    def __init__(self, tenant_id: int, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.tenant_id = tenant_id


class TenantAPIClient(ScopeKeepingMixin, APIClient):
    def __init__(self, tenant_id: int, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.tenant_id = tenant_id
