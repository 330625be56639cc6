"""Reservations are only for registered source types whose source exists in the current tenant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.inventory import services
from nexus.inventory.models import Reservation, StockAvailability
from nexus.inventory.services import ReservationRequest, SourceRef
from nexus.inventory.services.reservation_sources import registered_source_types
from nexus.sales.models import LINE_SOURCE_TYPE, Customer, SalesOrderLine
from nexus.tenancy.models import Tenant
from tests.factories.inventory import GADGET_SOURCE_TYPE
from tests.factories.sales import SalesOrderLineFactory
from tests.nexus.inventory.conftest import ACTOR, Site, make_site
from tests.nexus.inventory.test_api import client_for

D = Decimal
DAY = dt.date(2026, 12, 1)
UNKNOWN = (
    f"Unknown source type 'evil.thing'; reservations are for: {GADGET_SOURCE_TYPE}, sales.salesorderline, "
    "supply_chain_ops.rmaline, supply_chain_ops.transferorderline."
)


@pytest.fixture
def stocked(site: Site) -> Site:
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    return site


@pytest.fixture
def foreign_line(site: Site) -> SalesOrderLine:
    """A sales-order line of another tenant (the test stays in its own tenant's scope)."""
    other = make_site("globex")
    with scope.tenant(other.tenant):
        return SalesOrderLineFactory.create(product=other.product, order__warehouse=other.warehouse)


def request_for(site: Site, source: SourceRef, quantity: int = 2) -> ReservationRequest:
    return ReservationRequest(site.product.pk, site.warehouse.pk, quantity, DAY, source)


def nothing_reserved(site: Site) -> bool:
    return (
        Reservation.objects.count() == 0
        and StockAvailability.objects.get(product=site.product, warehouse=site.warehouse).reserved == 0
    )


def refused_fields(source: SourceRef, site: Site) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        services.reserve(request_for(site, source), actor=ACTOR)
    return refused.value.fields


def test_an_unknown_source_type_is_refused(stocked):
    assert refused_fields(SourceRef("evil.thing", 1), stocked) == {"source_type": [UNKNOWN]}
    assert nothing_reserved(stocked)


def test_another_tenants_line_is_refused_as_missing(stocked, foreign_line):
    assert refused_fields(SourceRef(LINE_SOURCE_TYPE, foreign_line.pk), stocked) == {
        "source_id": [f"No sales.salesorderline with id {foreign_line.pk} in this tenant."]
    }
    assert nothing_reserved(stocked)


def test_a_nonexistent_source_is_refused(stocked):
    assert refused_fields(SourceRef(GADGET_SOURCE_TYPE, 987_654), stocked) == {
        "source_id": [f"No {GADGET_SOURCE_TYPE} with id 987654 in this tenant."]
    }
    assert nothing_reserved(stocked)


def test_reserve_many_refuses_the_batch_for_one_bad_source(stocked, foreign_line):
    requests = [
        request_for(stocked, stocked.line),
        request_for(stocked, SourceRef(LINE_SOURCE_TYPE, foreign_line.pk)),
    ]
    with pytest.raises(InvalidInput) as refused:
        services.reserve_many(requests, actor=ACTOR)
    assert list(refused.value.fields) == ["source_id"]
    assert nothing_reserved(stocked)


def test_registered_sources_of_the_tenant_are_accepted(stocked):
    own_line = SalesOrderLineFactory.create(product=stocked.product, order__warehouse=stocked.warehouse)
    made = services.reserve_many(
        [request_for(stocked, stocked.line), request_for(stocked, SourceRef(LINE_SOURCE_TYPE, own_line.pk))],
        actor=ACTOR,
    )
    assert [(r.source_type, r.source_id) for r in made] == [
        (GADGET_SOURCE_TYPE, stocked.line.id),
        (LINE_SOURCE_TYPE, own_line.pk),
    ]
    assert StockAvailability.objects.get().reserved == D(4)


def test_a_source_type_cannot_be_registered_twice_nor_for_a_global_model(site):
    with pytest.raises(ImproperlyConfigured) as twice:
        services.register_reservation_source(LINE_SOURCE_TYPE, services.rows_of(Customer))
    assert str(twice.value) == "Reservation source type 'sales.salesorderline' is already registered."
    with pytest.raises(ImproperlyConfigured) as global_model:
        services.rows_of(Tenant)
    assert str(global_model.value) == "Tenant is not tenant-scoped; it cannot be a reservation source."
    assert registered_source_types() == [
        GADGET_SOURCE_TYPE,
        LINE_SOURCE_TYPE,
        "supply_chain_ops.rmaline",  # registered by the orchestrator's adapters
        "supply_chain_ops.transferorderline",
    ]


# -- the API ---------------------------------------------------------------------------------


def post_reservation(site: Site, source_type: str, source_id: int):
    return client_for(site).post(
        "/api/v1/reservations/",
        {
            "product": site.product.pk,
            "warehouse": site.warehouse.pk,
            "quantity": "2",
            "required_date": "2026-12-01",
            "source_type": source_type,
            "source_id": source_id,
        },
        format="json",
    )


def test_the_api_answers_400_on_the_source_fields_and_reserves_nothing(stocked, foreign_line):
    unknown = post_reservation(stocked, "evil.thing", 1)
    foreign = post_reservation(stocked, LINE_SOURCE_TYPE, foreign_line.pk)
    missing = post_reservation(stocked, GADGET_SOURCE_TYPE, 987_654)

    assert (unknown.status_code, foreign.status_code, missing.status_code) == (400, 400, 400)
    assert unknown.json() == {"code": "invalid", "detail": UNKNOWN, "fields": {"source_type": [UNKNOWN]}}
    foreign_message = f"No sales.salesorderline with id {foreign_line.pk} in this tenant."
    assert foreign.json() == {
        "code": "invalid",
        "detail": foreign_message,
        "fields": {"source_id": [foreign_message]},
    }
    assert missing.json()["fields"] == {
        "source_id": [f"No {GADGET_SOURCE_TYPE} with id 987654 in this tenant."]
    }
    assert nothing_reserved(stocked)


def test_the_api_reserves_for_a_line_of_the_tenant(stocked):
    own_line = SalesOrderLineFactory.create(product=stocked.product, order__warehouse=stocked.warehouse)
    response = post_reservation(stocked, LINE_SOURCE_TYPE, own_line.pk)
    assert response.status_code == 201, response.json()
    assert (response.json()["source_type"], response.json()["source_id"]) == (LINE_SOURCE_TYPE, own_line.pk)
    assert StockAvailability.objects.get().reserved == D(2)
