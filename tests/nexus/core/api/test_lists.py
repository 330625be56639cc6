"""Lists: pagination with a capped page size, filters, search, ordering, constant query cost."""

import pytest

from nexus.core import paginator, scope
from tests.factories.kernel_example import GadgetFactory

from .conftest import GADGETS, as_tenant

pytestmark = pytest.mark.django_db


def names(response):
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def many(acme, acme_kind):
    with scope.tenant(acme):
        for n in range(7):
            GadgetFactory.create(name=f"g{n}", kind=acme_kind if n % 2 else None, quantity=n)


def test_pages_have_a_caller_chosen_size(api, many):
    response = api.get(GADGETS, {"page_size": 3, "page": 2}, **as_tenant("acme"))

    body = response.json()
    assert body["count"] == 7
    assert body["count_estimated"] is False
    assert names(response) == ["g3", "g4", "g5"]
    assert body["next"].endswith("?page=3&page_size=3")
    assert body["previous"].endswith("?page_size=3")


def test_the_page_size_is_capped(api, acme):
    with scope.tenant(acme):
        GadgetFactory.create_batch(205)

    response = api.get(GADGETS, {"page_size": 1000}, **as_tenant("acme"))

    assert len(response.json()["results"]) == 200


def test_filter_search_and_ordering(api, many, acme_kind):
    assert names(api.get(GADGETS, {"kind": acme_kind.pk}, **as_tenant("acme"))) == ["g1", "g3", "g5"]
    assert names(api.get(GADGETS, {"search": "g6"}, **as_tenant("acme"))) == ["g6"]
    assert names(api.get(GADGETS, {"ordering": "-quantity", "page_size": 2}, **as_tenant("acme"))) == [
        "g6",
        "g5",
    ]


def test_filtering_by_another_tenants_row_is_a_400_field_error(api, many, globex_kind):
    response = api.get(GADGETS, {"kind": globex_kind.pk}, **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "kind": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_the_list_costs_the_same_queries_for_any_page_size(
    api, acme, acme_kind, django_assert_max_num_queries
):
    with scope.tenant(acme):
        GadgetFactory.create_batch(2, kind=acme_kind)
    with django_assert_max_num_queries(10) as small:
        api.get(GADGETS, **as_tenant("acme"))
    with scope.tenant(acme):
        GadgetFactory.create_batch(40, kind=acme_kind)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(GADGETS, {"page_size": 100}, **as_tenant("acme"))
    assert len(response.json()["results"]) == 42


def test_the_browsable_api_renders_related_choices_in_the_tenant(api, many, acme_kind, globex_kind):
    response = api.get(GADGETS, HTTP_ACCEPT="text/html", **as_tenant("acme"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Widgets" in html
    assert "Sprockets" not in html


@pytest.fixture
def overestimated(many, monkeypatch):
    """The planner expects 1,000 gadgets where there are 7."""
    monkeypatch.setattr(paginator, "EXACT_BELOW", 1)
    monkeypatch.setattr(paginator, "estimated_count", lambda queryset: 1000)


def test_a_large_list_answers_the_estimate_and_says_so(api, overestimated):
    body = api.get(GADGETS, {"page_size": 3}, **as_tenant("acme")).json()

    assert (body["count"], body["count_estimated"]) == (1000, True)
    assert [row["name"] for row in body["results"]] == ["g0", "g1", "g2"]
    assert body["next"].endswith("?page=2&page_size=3")


def test_following_next_ends_where_the_rows_end_with_the_exact_count(api, overestimated):
    body = api.get(GADGETS, {"page_size": 3, "page": 3}, **as_tenant("acme")).json()

    assert [row["name"] for row in body["results"]] == ["g6"]
    assert (body["count"], body["count_estimated"], body["next"]) == (7, False, None)
    past = api.get(GADGETS, {"page_size": 3, "page": 4}, **as_tenant("acme"))
    assert past.status_code == 404
    assert past.json()["code"] == "not_found"


def test_the_last_page_is_found_by_counting_exactly(api, overestimated):
    body = api.get(GADGETS, {"page_size": 3, "page": "last"}, **as_tenant("acme")).json()

    assert [row["name"] for row in body["results"]] == ["g6"]
    assert (body["count"], body["count_estimated"]) == (7, False)
