"""Searching a list through the rows it refers to: every word must match, in any place listed."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from nexus.core import scope
from nexus.core.admin.related_search import SearchThroughMixin
from tests.factories.kernel_example import GadgetFactory, GadgetKindFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget, GadgetKind

pytestmark = pytest.mark.django_db


class GadgetsByKind(SearchThroughMixin):
    search_fields = ("kind__name", "name")
    search_through = (("kind", GadgetKind, ("name",)), ("pk", Gadget, ("name",)))


@pytest.fixture
def gadgets():
    tenant, other = TenantFactory.create_batch(2)
    with scope.tenant(other):
        GadgetFactory.create(name="Hex bolt elsewhere", kind=GadgetKindFactory.create(name="Steel bolts"))
    with scope.tenant(tenant):
        steel = GadgetKindFactory.create(name="Steel bolts")
        brass = GadgetKindFactory.create(name="Brass screws")
        GadgetFactory.create(name="Hex M8", kind=steel)
        GadgetFactory.create(name="Hex M10", kind=brass)
        GadgetFactory.create(name="Washer 'big'", kind=None)
        yield


def search(term: str) -> list[str]:
    admin = GadgetsByKind(Gadget, AdminSite())
    found, duplicates = admin.get_search_results(RequestFactory().get("/"), Gadget.objects.all(), term)
    assert duplicates is False
    return sorted(found.values_list("name", flat=True))


def test_a_word_matches_the_referred_rows_or_the_rows_own_fields_ignoring_case(gadgets):
    assert search("STEEL") == ["Hex M8"]
    assert search("hex") == ["Hex M10", "Hex M8"]
    assert search("washer") == ["Washer 'big'"]


def test_every_word_must_match_somewhere(gadgets):
    assert search("hex brass") == ["Hex M10"]
    assert search("hex plastic") == []


def test_a_quoted_phrase_stays_whole_and_no_term_keeps_every_row(gadgets):
    assert search('"steel bolts"') == ["Hex M8"]
    assert search('"bolts steel"') == []
    assert search("  ") == ["Hex M10", "Hex M8", "Washer 'big'"]


def test_the_referred_rows_are_looked_up_in_their_own_table_not_joined(gadgets):
    admin = GadgetsByKind(Gadget, AdminSite())
    found, _ = admin.get_search_results(RequestFactory().get("/"), Gadget.objects.all(), "steel")

    sql = str(found.query)
    assert "JOIN" not in sql
    assert '"kind_id" IN (SELECT' in sql
