"""The estimated count: exact for small lists, the planner's estimate for large ones, and pages
that end where the rows end whatever the estimate."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import paginator as pagination
from nexus.core import scope
from nexus.core.admin.pagination import LargeListAdminMixin
from nexus.core.paginator import EstimatedCountPaginator, estimated_count
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


# When the count is an estimate, the rows decide where the list ends ---------------------------


@pytest.fixture
def estimating(gadgets, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    return gadgets


def test_a_page_with_rows_after_it_has_a_next_page_whatever_the_estimate(estimating, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 2)  # far too low
    paginator = EstimatedCountPaginator(estimating, 2)

    first = paginator.page(1)
    assert [g.pk for g in first] == [g.pk for g in estimating[:2]]
    assert first.has_next()
    assert paginator.count_is_estimate

    second = paginator.page(2)  # beyond the estimated one page, still served
    assert second.has_next()


def test_the_page_that_reaches_the_end_knows_the_exact_count(estimating, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 40)  # far too high
    paginator = EstimatedCountPaginator(estimating, 2)
    assert paginator.count == 40
    assert paginator.count_is_estimate

    last = paginator.page(3)

    assert [g.pk for g in last] == [estimating.last().pk]
    assert not last.has_next()
    assert paginator.count == 5
    assert paginator.num_pages == 3
    assert not paginator.count_is_estimate


def test_a_page_past_the_end_is_no_page_even_where_the_estimate_has_room(estimating, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 40)
    paginator = EstimatedCountPaginator(estimating, 2)

    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")


def test_an_estimated_page_reads_one_row_more_than_it_shows_and_never_counts(estimating):
    paginator = EstimatedCountPaginator(estimating, 2)

    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(1)

    assert len(page) == 2
    assert [q["sql"].split()[0] for q in queries] == ["EXPLAIN", "SELECT"]
    assert "COUNT(" not in queries[1]["sql"]
    assert queries[1]["sql"].endswith("LIMIT 3")


def test_counting_exactly_replaces_the_estimate(estimating, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 40)
    paginator = EstimatedCountPaginator(estimating, 2)

    paginator.count_exactly()

    assert (paginator.count, paginator.num_pages, paginator.count_is_estimate) == (5, 3, False)
