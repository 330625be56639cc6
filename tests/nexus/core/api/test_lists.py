"""Lists: pagination with a capped page size, filters, search, ordering, constant query cost."""

import pytest

from nexus.core import scope
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
