"""Bulk writes: many rows in one statement of a fixed shape, every value stored as given."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.bulk import insert_rows, update_fields, update_rows
from nexus.core.models import IdempotencyRecord, OutboxEvent
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


AWKWARD = ["plain", 'with "quotes", commas {and} braces', "back\\slash", "NULL", "", "ünïcode\nnewline"]


@pytest.fixture(params=["postgresql", "fallback"])
def vendor(request):
    """Each helper on PostgreSQL's arrays and on the plain path other databases take.

    Yields a context in which the helpers see that vendor; only the helper call is inside it,
    since the tenant scope also asks the connection's vendor (to set row-level security).
    """

    @contextmanager
    def seen() -> Iterator[None]:
        with pytest.MonkeyPatch.context() as patch:
            if request.param == "fallback":
                patch.setattr(connection, "vendor", "sqlite")
            yield

    seen.name = request.param  # type: ignore[attr-defined]
    return seen


def test_insert_rows_stores_every_value_as_given_and_returns_ids_in_order(vendor) -> None:
    tenant = TenantFactory.create()
    at = dt.datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=dt.UTC)
    rows = [
        (name, n, {"name": name, "amount": "1.50", "n": n}, at if n % 2 else None)
        for n, name in enumerate(AWKWARD)
    ]
    with scope.tenant(tenant), CaptureQueriesContext(connection) as queries, vendor():
        ids = insert_rows(
            OutboxEvent,
            ["name", "schema_version", "payload", "enqueued_at"],
            rows,
            constants={"tenant_id": tenant.pk, "occurred_at": at, "request_id": 'r"1', "historical": True},
        )

    if vendor.name == "postgresql":
        assert len(queries.captured_queries) == 1
    with scope.tenant(tenant):
        stored = OutboxEvent.objects.in_bulk(ids)
        assert [
            (stored[pk].name, stored[pk].schema_version, stored[pk].payload, stored[pk].enqueued_at)
            for pk in ids
        ] == rows
        assert {(e.tenant_id, e.occurred_at, e.request_id, e.historical) for e in stored.values()} == {
            (tenant.pk, at, 'r"1', True)
        }


def test_insert_rows_of_nothing_runs_no_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(OutboxEvent, ["name"], []) == []
    assert queries.captured_queries == []


def test_update_rows_writes_awkward_text_and_nulls(vendor) -> None:
    tenant = TenantFactory()
    with scope.tenant(tenant):
        products = ProductFactory.create_batch(len(AWKWARD), unit_weight=Decimal("1.000"))
        with vendor():
            updated = update_rows(
                Product,
                ["name", "unit_weight"],
                [
                    (p.pk, name, None if n % 2 else Decimal(n))
                    for n, (p, name) in enumerate(zip(products, AWKWARD, strict=True))
                ],
            )

        assert updated == len(AWKWARD)
        rows = {
            pk: (name, weight)
            for pk, name, weight in Product.objects.values_list("pk", "name", "unit_weight")
        }
        assert [rows[p.pk] for p in products] == [
            (name, None if n % 2 else Decimal(n)) for n, name in enumerate(AWKWARD)
        ]


def test_a_column_type_the_helpers_do_not_write_is_refused() -> None:
    with pytest.raises(TypeError, match="BinaryField"):
        update_rows(IdempotencyRecord, ["body"], [(1, b"x")])
