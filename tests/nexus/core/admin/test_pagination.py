"""The admin's estimated count: exact for small lists, the planner's estimate for large ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.admin import pagination
from nexus.core.admin.pagination import EstimatedCountPaginator, LargeListAdminMixin, estimated_count
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget

pytestmark = pytest.mark.django_db


@pytest.fixture
def gadgets():
    tenant = TenantFactory.create()
    with scope.tenant(tenant):
        GadgetFactory.create_batch(5)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Gadget._meta.db_table}")
        yield Gadget.objects.order_by("id")


def test_a_list_the_planner_expects_small_is_counted_exactly(gadgets):
    paginator = EstimatedCountPaginator(gadgets, 2)

    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5

    assert [q["sql"].split()[0] for q in queries] == ["EXPLAIN", "SELECT"]
    assert "COUNT(*)" in queries[1]["sql"]
    assert paginator.num_pages == 3


def test_a_list_the_planner_expects_large_shows_the_estimate_without_counting(gadgets, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    paginator = EstimatedCountPaginator(gadgets, 2)

    with CaptureQueriesContext(connection) as queries:
        count = paginator.count

    assert count == estimated_count(gadgets)
    assert count >= 1
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("EXPLAIN")


def test_a_filtered_list_is_estimated_with_its_filter(gadgets):
    none = gadgets.filter(name="no such gadget")

    assert EstimatedCountPaginator(none, 2).count == 0
    filtered, whole = estimated_count(none), estimated_count(gadgets)
    assert filtered is not None
    assert whole is not None
    assert filtered <= whole


def test_a_plain_list_is_counted_as_ever():
    assert EstimatedCountPaginator([1, 2, 3], 2).count == 3


def test_the_admin_mixin_uses_it_and_never_counts_the_whole_table_twice():
    assert LargeListAdminMixin.paginator is EstimatedCountPaginator
    assert LargeListAdminMixin.show_full_result_count is False
    assert LargeListAdminMixin.list_per_page == 50
