"""``update_fields``: many rows' fields in one statement, other fields and rows untouched."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.bulk import update_fields
from nexus.inventory.models import Product
from tests.factories.inventory import ProductFactory
from tests.factories.people import TenantFactory

pytestmark = pytest.mark.django_db


def test_writes_the_named_fields_of_every_row_in_one_statement() -> None:
    tenant = TenantFactory()
    with scope.tenant(tenant):
        products = ProductFactory.create_batch(3, name="Before", unit_weight=Decimal("1.000"))
        untouched = ProductFactory.create(name="Untouched", unit_weight=Decimal("9.000"))
        for n, product in enumerate(products):
            product.unit_weight = Decimal(n) + Decimal("0.125")
            product.name = "Not saved"
        with CaptureQueriesContext(connection) as queries:
            updated = update_fields(products, ["unit_weight"])

        assert updated == 3
        assert len(queries.captured_queries) == 1
        rows = dict(Product.objects.values_list("pk", "unit_weight"))
        assert [rows[p.pk] for p in products] == [Decimal("0.125"), Decimal("1.125"), Decimal("2.125")]
        assert rows[untouched.pk] == Decimal("9.000")
        assert set(
            Product.objects.filter(pk__in=[p.pk for p in products]).values_list("name", flat=True)
        ) == {"Before"}


def test_nothing_to_write_runs_no_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert update_fields([], ["name"]) == 0
    assert queries.captured_queries == []
