"""The inventory API: CRUD of the catalogue and sites, read-only ledger, adjustments, reservations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.inventory import services
from nexus.inventory.models import Location, Product, Reservation, StockAvailability, StockMove, Warehouse
from nexus.inventory.services import ReservationRequest, SourceRef
from nexus.tenancy.models import Role
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory, reservation_source
from tests.factories.people import MembershipFactory
from tests.nexus.inventory.conftest import ACTOR, Site, TenantAPIClient, make_site

D = Decimal
API = "/api/v1"
DAY = "2026-12-01"


def client_for(site: Site, role: str = Role.WAREHOUSE_CLERK) -> APIClient:
    client = TenantAPIClient(site.tenant.pk, HTTP_X_TENANT=site.tenant.slug)
    client.force_authenticate(MembershipFactory.create(tenant=site.tenant, role=role).user)
    return client


@pytest.fixture
def api(site) -> APIClient:
    return client_for(site)


@pytest.fixture
def other(site) -> Site:
    """A second tenant with its own stock (the test stays in the first tenant's scope)."""
    made = make_site("globex")
    with scope.tenant(made.tenant):
        services.receive(made.product.pk, made.stock.pk, 5, "1.00", actor=ACTOR)
    return made


def reserve(site: Site, quantity: int, source: SourceRef | None = None) -> Reservation:
    request = ReservationRequest(
        site.product.pk, site.warehouse.pk, quantity, dt.date(2026, 12, 1), source or site.line
    )
    return services.reserve(request, actor=ACTOR)


# -- products, warehouses, locations ---------------------------------------------------------


@pytest.mark.smoke
def test_products_are_created_listed_and_audited(api, site):
    response = api.post(
        f"{API}/products/",
        {
            "sku": "NUT-5",
            "name": "Hex nut",
            "unit": "pcs",
            "unit_weight": "0.0100",
            "customs_value": "0.05",
            "customs_currency": "EUR",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["customs_currency"] == "EUR"
    listed = api.get(f"{API}/products/", {"search": "nut"}).json()
    assert [row["sku"] for row in listed["results"]] == ["NUT-5"]
    assert AuditEvent.objects.filter(action="inventory.product.created").count() == 1


def test_a_sku_taken_in_another_case_is_a_field_error(api, site):
    response = api.post(f"{API}/products/", {"sku": "bolt-10", "name": "Again"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "The input is not valid; see the fields.",
        "fields": {"sku": ["A product with this SKU already exists."]},
    }
    assert Product.objects.count() == 1


def test_a_customs_value_needs_its_currency(api, site):
    response = api.patch(f"{API}/products/{site.product.pk}/", {"customs_value": "3.00"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["customs_currency"]


def test_a_product_in_use_cannot_be_deleted(api, site):
    services.receive(site.product.pk, site.stock.pk, 1, 1, actor=ACTOR)
    response = api.delete(f"{API}/products/{site.product.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Product.objects.filter(pk=site.product.pk).exists()


def test_a_new_warehouse_comes_with_its_stock_location(api, site):
    response = api.post(
        f"{API}/warehouses/",
        {
            "code": "MUC1",
            "name": "Munich",
            "city": "Munich",
            "country": "DE",
            "latitude": "48.137154",
            "longitude": "11.576124",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [(loc["code"], loc["kind"]) for loc in response.json()["locations"]] == [
        ("QHOLD", "quality_hold"),
        ("REPAIR", "repair"),
        ("STAGING", "staging"),
        ("STOCK", "stock"),
        ("TRANSIT", "transit"),
    ]
    dropship = api.post(
        f"{API}/warehouses/", {"code": "DS", "name": "Dropship", "kind": "dropship"}, format="json"
    )
    assert dropship.json()["locations"] == []


def test_half_a_position_is_refused(api, site):
    response = api.post(f"{API}/warehouses/", {"code": "X", "name": "X", "latitude": "48.1"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["longitude"]
    assert not Warehouse.objects.filter(code="X").exists()


def test_a_location_code_is_unique_in_its_warehouse(api, site):
    response = api.post(f"{API}/locations/", {"warehouse": site.warehouse.pk, "code": "stock"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"code": ["BER1 already has a location with this code."]}


# -- tenant isolation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "products/{product}/",
        "warehouses/{warehouse}/",
        "locations/{location}/",
        "stock-moves/{move}/",
        "stock-balances/{balance}/",
        "stock-availability/{availability}/",
        "reservations/{reservation}/",
    ],
)
def test_another_tenants_rows_are_not_found(api, other, path):
    with scope.tenant(other.tenant):
        ids = {
            "product": other.product.pk,
            "warehouse": other.warehouse.pk,
            "location": other.stock.pk,
            "move": StockMove.objects.get().pk,
            "balance": other.product.balances.get().pk,
            "availability": StockAvailability.objects.get().pk,
            "reservation": reserve(other, 1).pk,
        }
    response = api.get(f"{API}/{path.format(**ids)}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_tenants_rows_cannot_be_changed_or_deleted(api, other):
    assert (
        api.patch(f"{API}/products/{other.product.pk}/", {"name": "mine"}, format="json").status_code == 404
    )
    assert api.delete(f"{API}/warehouses/{other.warehouse.pk}/").status_code == 404
    with scope.tenant(other.tenant):
        held = reserve(other, 1)
    assert api.post(f"{API}/reservations/{held.pk}/release/", {}, format="json").status_code == 404
    with scope.tenant(other.tenant):
        assert Product.objects.get().name == other.product.name
        assert Reservation.objects.get().state == "held"


def test_another_tenants_ids_in_writable_references_are_field_errors(api, site, other):
    refused = [
        api.post(f"{API}/locations/", {"warehouse": other.warehouse.pk, "code": "X"}, format="json"),
        api.post(
            f"{API}/stock-moves/adjust/",
            {
                "product": other.product.pk,
                "location": site.stock.pk,
                "quantity": "1",
                "reason": "x",
                "unit_cost": "1",
            },
            format="json",
        ),
        api.post(
            f"{API}/stock-moves/adjust/",
            {
                "product": site.product.pk,
                "location": other.stock.pk,
                "quantity": "1",
                "reason": "x",
                "unit_cost": "1",
            },
            format="json",
        ),
        api.post(
            f"{API}/reservations/",
            {
                "product": site.product.pk,
                "warehouse": other.warehouse.pk,
                "quantity": "1",
                "required_date": DAY,
                "source_type": site.line.type,
                "source_id": site.line.id,
            },
            format="json",
        ),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400, 400]
    assert [list(r.json()["fields"]) for r in refused] == [
        ["warehouse"],
        ["product"],
        ["location"],
        ["warehouse"],
    ]
    assert Location.objects.filter(code="X").count() == 0
    assert StockMove.objects.count() == 0
    assert Reservation.objects.count() == 0


# -- the ledger, read-only -------------------------------------------------------------------


def test_stock_endpoints_are_read_only(api, site):
    move = services.receive(site.product.pk, site.stock.pk, 3, "2.00", actor=ACTOR)
    assert api.post(f"{API}/stock-moves/", {}, format="json").status_code == 405
    assert api.patch(f"{API}/stock-moves/{move.pk}/", {"quantity": "9"}, format="json").status_code == 405
    assert api.delete(f"{API}/stock-moves/{move.pk}/").status_code == 405
    balance = site.product.balances.get()
    assert api.delete(f"{API}/stock-balances/{balance.pk}/").status_code == 405
    assert StockMove.objects.get().quantity == D(3)


def test_balances_availability_and_moves_show_the_stock(api, site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    services.transfer(site.product.pk, site.stock.pk, site.other_stock.pk, 4, actor=ACTOR)
    reserve(site, 2)
    balances = api.get(f"{API}/stock-balances/", {"warehouse": site.warehouse.pk}).json()["results"]
    assert [(b["location_code"], b["on_hand"], b["value"]) for b in balances] == [
        ("STOCK", "6.0000", "12.0000")
    ]
    availability = api.get(f"{API}/stock-availability/", {"warehouse": site.warehouse.pk}).json()["results"]
    assert [
        (a["on_hand_sellable"], a["reserved"], a["free"], a["average_unit_cost"]) for a in availability
    ] == [("6.0000", "2.0000", "4.0000", "2.000000")]
    moves = api.get(f"{API}/stock-moves/", {"warehouse": site.other_warehouse.pk}).json()["results"]
    assert [(m["reason"], m["from_warehouse"], m["to_warehouse"], m["value"]) for m in moves] == [
        ("transfer_out", site.warehouse.pk, site.other_warehouse.pk, "8.0000")
    ]
    receipts = api.get(f"{API}/stock-moves/", {"reason": "receipt", "ordering": "occurred_at"}).json()
    assert receipts["count"] == 1


def add_rows(site: Site, n: int) -> None:
    for _ in range(n):
        product = ProductFactory.create()
        warehouse = WarehouseFactory.create()
        LocationFactory.create(warehouse=warehouse)
        services.receive(product.pk, site.stock.pk, 3, "1.00", actor=ACTOR)
        services.transfer(product.pk, site.stock.pk, site.staging.pk, 1, actor=ACTOR)
        services.reserve(
            ReservationRequest(product.pk, site.warehouse.pk, 1, dt.date(2026, 12, 1), site.line),
            actor=ACTOR,
        )


@pytest.mark.parametrize(
    "endpoint",
    [
        "products",
        "warehouses",
        "locations",
        "stock-balances",
        "stock-availability",
        "stock-moves",
        "reservations",
    ],
)
def test_list_endpoints_take_the_same_queries_for_more_rows(api, site, endpoint):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"{API}/{endpoint}/", {"page_size": 100})
        assert response.status_code == 200
        return len(captured.captured_queries)

    add_rows(site, 2)
    count()  # the first request looks up the caller's role once (kept on the user object)
    few = count()
    add_rows(site, 7)
    assert count() == few


# -- adjustments -----------------------------------------------------------------------------


def test_an_adjustment_posts_a_move(api, site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    response = api.post(
        f"{API}/stock-moves/adjust/",
        {"product": site.product.pk, "location": site.stock.pk, "quantity": "-4", "reason": "count"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["reason"], body["quantity"], body["from_location"], body["value"], body["note"]) == (
        "adjustment",
        "4.0000",
        site.stock.pk,
        "8.0000",
        "count",
    )
    assert StockAvailability.objects.get().on_hand == D(6)


def test_a_refused_adjustment_answers_409_and_changes_nothing(api, site):
    services.receive(site.product.pk, site.stock.pk, 3, "2.00", actor=ACTOR)
    reserve(site, 2)
    response = api.post(
        f"{API}/stock-moves/adjust/",
        {"product": site.product.pk, "location": site.stock.pk, "quantity": "-2", "reason": "broken"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "stock_reserved",
        "detail": "Cannot take 2 pcs of BOLT-10 from BER1/STOCK: BER1 has 3 sellable of which 2 reserved, "
        "so at most 1 can leave.",
    }
    assert StockMove.objects.count() == 1


def test_an_adjustment_needs_a_reason_and_a_non_zero_quantity(api, site):
    response = api.post(
        f"{API}/stock-moves/adjust/",
        {"product": site.product.pk, "location": site.stock.pk, "quantity": "0"},
        format="json",
    )
    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["quantity", "reason"]


def test_viewers_and_salespeople_cannot_adjust(site):
    for role in (Role.VIEWER, Role.SALES):
        response = client_for(site, role).post(
            f"{API}/stock-moves/adjust/",
            {
                "product": site.product.pk,
                "location": site.stock.pk,
                "quantity": "1",
                "reason": "x",
                "unit_cost": "1",
            },
            format="json",
        )
        assert response.status_code == 403
    assert StockMove.objects.count() == 0


# -- reservations ----------------------------------------------------------------------------


def test_creating_a_reservation_reserves(api, site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    response = api.post(
        f"{API}/reservations/",
        {
            "product": site.product.pk,
            "warehouse": site.warehouse.pk,
            "quantity": "4",
            "required_date": DAY,
            "source_type": site.line.type,
            "source_id": site.line.id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["state"], body["quantity"], body["open_quantity"]) == ("held", "4.0000", "4.0000")
    assert [t["name"] for t in body["available_transitions"]] == ["confirm", "release"]
    assert StockAvailability.objects.get().reserved == D(4)


def test_reserving_more_than_is_free_answers_409(api, site):
    services.receive(site.product.pk, site.stock.pk, 3, "2.00", actor=ACTOR)
    response = api.post(
        f"{API}/reservations/",
        {
            "product": site.product.pk,
            "warehouse": site.warehouse.pk,
            "quantity": "4",
            "required_date": DAY,
            "source_type": site.line.type,
            "source_id": site.line.id,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "insufficient_stock",
        "detail": "Cannot reserve 4 pcs of BOLT-10 in BER1: 3 free (3 sellable, 0 reserved).",
    }
    assert Reservation.objects.count() == 0


def test_the_state_cannot_be_written(api, site):
    services.receive(site.product.pk, site.stock.pk, 3, "2.00", actor=ACTOR)
    response = api.post(
        f"{API}/reservations/",
        {
            "product": site.product.pk,
            "warehouse": site.warehouse.pk,
            "quantity": "1",
            "required_date": DAY,
            "source_type": site.line.type,
            "source_id": site.line.id,
            "state": "consumed",
        },
        format="json",
    )
    assert response.json()["state"] == "held"
    assert api.patch(f"{API}/reservations/{response.json()['id']}/", {"state": "released"}).status_code == 405


def test_confirm_and_release_are_transitions(api, site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    held = reserve(site, 4)
    confirmed = api.post(f"{API}/reservations/{held.pk}/confirm/", {}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    released = api.post(
        f"{API}/reservations/{held.pk}/release/", {"reason": "order cancelled"}, format="json"
    )
    assert released.status_code == 200
    assert (released.json()["state"], released.json()["available_transitions"]) == ("released", [])
    assert StockAvailability.objects.get().reserved == 0
    again = api.post(f"{API}/reservations/{held.pk}/release/", {}, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "code": "transition_not_allowed",
        "detail": "cannot release: the reservation is released",
    }
    assert api.post(f"{API}/reservations/{held.pk}/consume/", {}, format="json").status_code == 404


def test_reservations_filter_by_state_and_source(api, site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    first, second = reserve(site, 1), reserve(site, 1, source=reservation_source())
    services.release(first.pk, actor=ACTOR)
    held = api.get(f"{API}/reservations/", {"state": "held"}).json()["results"]
    assert [r["id"] for r in held] == [second.pk]
    by_source = api.get(
        f"{API}/reservations/", {"source_type": site.line.type, "source_id": site.line.id}
    ).json()["results"]
    assert [r["id"] for r in by_source] == [first.pk]


def test_the_schema_documents_the_inventory_endpoints(api):
    schema = APIClient().get("/api/schema/", {"format": "json"})
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/products/",
        "/api/v1/warehouses/",
        "/api/v1/stock-balances/",
        "/api/v1/stock-moves/",
        "/api/v1/stock-moves/adjust/",
        "/api/v1/reservations/",
        "/api/v1/reservations/{id}/release/",
        "/api/v1/reservations/{id}/confirm/",
    ):
        assert path in paths
