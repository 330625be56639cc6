"""``__any``: the rows ``__in`` finds, with the values sent as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.inventory.models import Location, Product
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_any_finds_what_in_finds(vendor, monkeypatch) -> None:
    tenant = TenantFactory.create()
    with scope.tenant(tenant):
        products = ProductFactory.create_batch(4)
        wanted = [products[0].pk, products[2].pk, None, 10**12]
        query = Product.objects.filter(pk__any=wanted).order_by("pk").values_list("pk", flat=True)
        with monkeypatch.context() as patch, CaptureQueriesContext(connection) as queries:
            patch.setattr(connection, "vendor", vendor)
            found = list(query)

        assert found == list(
            Product.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True)
        )
        assert found == [products[0].pk, products[2].pk]
        sql = queries.captured_queries[0]["sql"]
        assert ("= ANY(" in sql) is (vendor == "postgresql")


def test_an_empty_list_finds_nothing() -> None:
    with scope.tenant(TenantFactory.create()):
        ProductFactory.create()
        assert list(Product.objects.filter(pk__any=[])) == []


def test_any_on_a_foreign_key_takes_ids_and_instances() -> None:
    with scope.tenant(TenantFactory.create()):
        first, second = WarehouseFactory.create_batch(2)
        here, there = LocationFactory.create(warehouse=first), LocationFactory.create(warehouse=second)

        assert list(Location.objects.filter(warehouse__any=[first.pk])) == [here]
        assert list(Location.objects.filter(warehouse_id__any=[second])) == [there]
