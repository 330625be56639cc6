"""The inventory admin as a warehouse clerk uses it: lists, the adjustment form, reservations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.inventory import services
from nexus.inventory.models import (
    Location,
    MoveReason,
    Product,
    Reservation,
    StockAvailability,
    StockMove,
    Warehouse,
)
from nexus.inventory.services import ReservationRequest
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import MembershipFactory
from tests.nexus.inventory.conftest import ACTOR, TenantClient

D = Decimal
ADMIN = "/admin/inventory"


def logged_in(site, role: str = Role.WAREHOUSE_CLERK) -> Client:
    user = MembershipFactory.create(tenant=site.tenant, role=role).user
    client = TenantClient(site.tenant.pk)
    client.force_login(user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = site.tenant.pk
    session.save()
    return client


@pytest.fixture
def clerk(site) -> Client:
    return logged_in(site)


def add_rows(site, n: int) -> None:
    """``n`` more products, each received, moved, reserved: every list gets ``n`` more rows."""
    for _ in range(n):
        product = ProductFactory.create()
        location = LocationFactory.create(warehouse=site.warehouse)
        services.receive(product.pk, site.stock.pk, 5, "1.50", actor=ACTOR)
        services.transfer(product.pk, site.stock.pk, location.pk, 1, actor=ACTOR)
        services.reserve(
            ReservationRequest(product.pk, site.warehouse.pk, 1, dt.date(2026, 12, 1), site.line),
            actor=ACTOR,
        )
        WarehouseFactory.create()


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "model",
    [
        "product",
        "warehouse",
        "location",
        "stockmove",
        "stockbalance",
        "stockavailability",
        "costlayer",
        "reservation",
    ],
)
def test_change_lists_take_the_same_queries_for_more_rows(site, clerk, model):
    url = f"{ADMIN}/{model}/"
    add_rows(site, 2)
    few = queries_for(clerk, url)
    add_rows(site, 6)
    assert queries_for(clerk, url) == few


@pytest.mark.smoke
def test_the_product_list_searches_and_filters(site, clerk):
    ProductFactory.create(sku="NUT-5", name="Hex nut", active=False)
    response = clerk.get(f"{ADMIN}/product/", {"q": "hex"})
    assert "NUT-5" in response.content.decode()
    assert "BOLT-10" not in response.content.decode()
    response = clerk.get(f"{ADMIN}/product/", {"active__exact": "0"})
    assert "NUT-5" in response.content.decode()


def test_a_duplicate_sku_in_another_case_is_refused_in_words(site, clerk):
    response = clerk.post(
        f"{ADMIN}/product/add/", {"sku": "bolt-10", "name": "Again", "unit": "pcs", "unit_decimals": 0}
    )
    assert response.status_code == 200
    assert "A product with this SKU already exists." in response.content.decode()
    assert Product.objects.count() == 1


def test_product_edits_are_audited(site, clerk):
    url = f"{ADMIN}/product/{site.product.pk}/change/"
    response = clerk.post(
        url, {"sku": "BOLT-10", "name": "Bolt M10", "unit": "pcs", "unit_decimals": 0, "active": "on"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="inventory.product.changed")
    assert event.data["changes"]["name"][1] == "Bolt M10"


def test_a_new_warehouse_gets_its_stock_location(site, clerk):
    response = clerk.post(
        f"{ADMIN}/warehouse/add/",
        {
            "code": "MUC1",
            "name": "Munich",
            "kind": "physical",
            "active": "on",
            "locations-TOTAL_FORMS": "0",
            "locations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    warehouse = Warehouse.objects.get(code="MUC1")
    assert list(Location.objects.filter(warehouse=warehouse).values_list("code", "kind")) == [
        ("QHOLD", "quality_hold"),
        ("REPAIR", "repair"),
        ("STAGING", "staging"),
        ("STOCK", "stock"),
        ("TRANSIT", "transit"),
    ]


def test_ledger_screens_are_read_only(site, clerk):
    move = services.receive(site.product.pk, site.stock.pk, 5, "1.50", actor=ACTOR)
    assert clerk.get(f"{ADMIN}/stockmove/{move.pk}/change/").status_code == 200
    assert clerk.get(f"{ADMIN}/stockmove/add/").status_code == 403
    assert clerk.post(f"{ADMIN}/stockmove/{move.pk}/delete/").status_code == 403
    response = clerk.post(f"{ADMIN}/stockmove/{move.pk}/change/", {"quantity": "50"})
    assert response.status_code == 403
    assert StockMove.objects.get().quantity == D(5)


def test_the_adjustment_form_posts_an_adjustment(site, clerk):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    assert "Adjust stock" in clerk.get(f"{ADMIN}/stockmove/").content.decode()
    assert clerk.get(f"{ADMIN}/stockmove/adjust/").status_code == 200
    found = clerk.get(
        "/admin/autocomplete/",
        {"app_label": "inventory", "model_name": "stockmove", "field_name": "product", "term": "bolt"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["BOLT-10 — Product " + site.product.name.split()[-1]]
    response = clerk.post(
        f"{ADMIN}/stockmove/adjust/",
        {
            "product": site.product.pk,
            "location": site.stock.pk,
            "quantity": "-3",
            "reason": "damaged in transit",
        },
    )
    move = StockMove.objects.get(reason=MoveReason.ADJUSTMENT)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}/stockmove/{move.pk}/change/"
    assert (move.from_location_id, move.quantity, move.value, move.note) == (
        site.stock.pk,
        D(3),
        D(6),
        "damaged in transit",
    )
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "Adjusted BOLT-10 at BER1/STOCK by -3 (value 6.0000)."
    ]


def test_a_refused_adjustment_says_why_and_changes_nothing(site, clerk):
    services.receive(site.product.pk, site.stock.pk, 2, "2.00", actor=ACTOR)
    response = clerk.post(
        f"{ADMIN}/stockmove/adjust/",
        {"product": site.product.pk, "location": site.stock.pk, "quantity": "-3", "reason": "lost"},
    )
    assert response.status_code == 200
    assert "only 2 pcs on hand there" in response.content.decode()
    response = clerk.post(
        f"{ADMIN}/stockmove/adjust/",
        {
            "product": site.product.pk,
            "location": site.stock.pk,
            "quantity": "1",
            "reason": "",
            "unit_cost": "",
        },
    )
    assert "This field is required." in response.content.decode()
    assert StockMove.objects.count() == 1


def test_a_viewer_cannot_adjust(site):
    viewer = logged_in(site, Role.VIEWER)
    assert viewer.get(f"{ADMIN}/stockmove/adjust/").status_code in (302, 403)


def test_reservations_offer_confirm_and_release_only(site, clerk):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    reservation = services.reserve(
        ReservationRequest(site.product.pk, site.warehouse.pk, 4, dt.date(2026, 12, 1), site.line),
        actor=ACTOR,
    )
    page = clerk.get(f"{ADMIN}/reservation/{reservation.pk}/change/").content.decode()
    assert "/transition/confirm/" in page
    assert "/transition/release/" in page
    assert "/transition/consume/" not in page
    assert "/transition/expire/" not in page
    assert clerk.post(f"{ADMIN}/reservation/{reservation.pk}/transition/consume/").status_code == 404

    response = clerk.post(
        f"{ADMIN}/reservation/{reservation.pk}/transition/release/", {"reason": "customer called"}
    )
    assert response.status_code == 302
    assert Reservation.objects.get(pk=reservation.pk).state == "released"
    assert StockAvailability.objects.get().reserved == 0
    assert clerk.get(f"{ADMIN}/reservation/add/").status_code == 403


def test_another_tenants_rows_are_not_in_the_admin(site, clerk):
    from tests.nexus.inventory.conftest import make_site

    other = make_site("globex")
    with scope.tenant(other.tenant):
        move = services.receive(other.product.pk, other.stock.pk, 1, 1, actor=ACTOR)
    assert clerk.get(f"{ADMIN}/product/{other.product.pk}/change/").status_code == 302  # "does not exist"
    assert clerk.get(f"{ADMIN}/stockmove/{move.pk}/change/").status_code == 302
    assert "BOLT-10" in clerk.get(f"{ADMIN}/product/").content.decode()
