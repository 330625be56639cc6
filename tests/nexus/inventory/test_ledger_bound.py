"""What the ledger depends on stays fixed: a location's warehouse and kind, a warehouse's kind and a
product's unit cannot change once stock or stock history refers to them — through the API, the
admin or any save — and a move never books against what such a change replaced."""

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction

from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.inventory import services
from nexus.inventory.models import (
    Location,
    LocationKind,
    Product,
    StockAvailability,
    StockBalance,
    Warehouse,
    WarehouseKind,
)
from nexus.inventory.services.ledger_bound import LedgerBoundChange
from tests.factories.inventory import ProductFactory, WarehouseFactory
from tests.nexus.inventory.conftest import ACTOR, Site, make_site
from tests.nexus.inventory.test_admin import logged_in
from tests.nexus.inventory.test_api import client_for

D = Decimal
API = "/api/v1"
ADMIN = "/admin/inventory"
LOCATION_RULE = "goods move between locations only by stock moves."


@pytest.fixture
def munich(site: Site) -> Warehouse:
    """A warehouse with no locations yet, where any location code is free."""
    return WarehouseFactory.create(code="MUC1")


@pytest.fixture
def holding(site: Site) -> Site:
    """145 units of BOLT-10 at BER1/STOCK."""
    services.receive(site.product.pk, site.stock.pk, 145, "2.00", actor=ACTOR)
    return site


@pytest.fixture
def emptied(site: Site) -> Site:
    """BER1/STOCK held 5 units once and holds none now: stock history only."""
    services.receive(site.product.pk, site.stock.pk, 5, "2.00", actor=ACTOR)
    services.issue(site.product.pk, site.stock.pk, 5, actor=ACTOR)
    return site


def stored(site: Site) -> tuple[Any, ...]:
    """What a refused change must leave as it was: the rows, the derived stock, the audit trail."""
    return (
        list(Location.objects.order_by("id").values_list("id", "warehouse_id", "kind", "name")),
        list(Warehouse.objects.order_by("id").values_list("id", "kind")),
        list(Product.objects.order_by("id").values_list("id", "unit", "unit_decimals")),
        list(StockBalance.objects.order_by("id").values_list("location_id", "on_hand", "value")),
        list(
            StockAvailability.objects.order_by("id").values_list(
                "warehouse_id", "on_hand_sellable", "on_hand"
            )
        ),
        AuditEvent.objects.count(),
    )


def refusal(detail: str) -> dict[str, str]:
    return {"code": "in_use_by_ledger", "detail": detail}


# -- the API ---------------------------------------------------------------------------------


def test_a_location_holding_stock_keeps_its_warehouse_and_kind(holding, munich):
    api = client_for(holding)
    before = stored(holding)
    url = f"{API}/locations/{holding.stock.pk}/"

    moved = api.patch(url, {"warehouse": munich.pk}, format="json")
    scrapped = api.patch(url, {"kind": LocationKind.SCRAP}, format="json")
    both = api.put(
        url, {"warehouse": munich.pk, "code": "STOCK", "name": "Stock", "kind": "scrap"}, format="json"
    )

    assert (moved.status_code, scrapped.status_code, both.status_code) == (409, 409, 409)
    assert moved.json() == refusal(
        f"Cannot change the warehouse of location BER1/STOCK: it holds 145 units; {LOCATION_RULE}"
    )
    assert scrapped.json() == refusal(
        f"Cannot change the kind of location BER1/STOCK: it holds 145 units; {LOCATION_RULE}"
    )
    assert both.json() == refusal(
        f"Cannot change the warehouse and kind of location BER1/STOCK: it holds 145 units; {LOCATION_RULE}"
    )
    assert stored(holding) == before
    assert services.check_stock_ledger() == []


def test_a_location_with_stock_history_only_keeps_its_warehouse_and_kind(emptied, munich):
    api = client_for(emptied)
    before = stored(emptied)
    url = f"{API}/locations/{emptied.stock.pk}/"

    moved = api.patch(url, {"warehouse": munich.pk}, format="json")
    held = api.patch(url, {"kind": LocationKind.QUALITY_HOLD}, format="json")

    assert moved.status_code == held.status_code == 409
    assert moved.json() == refusal(
        f"Cannot change the warehouse of location BER1/STOCK: it has stock history; {LOCATION_RULE}"
    )
    assert held.json()["detail"].startswith("Cannot change the kind of location BER1/STOCK: it has stock")
    assert stored(emptied) == before
    assert services.check_stock_ledger() == []


def test_an_empty_unused_location_may_change_warehouse_and_kind(holding):
    api = client_for(holding)
    url = f"{API}/locations/{holding.staging.pk}/"  # in BER1 beside the stock, never used

    response = api.patch(url, {"warehouse": holding.other_warehouse.pk, "kind": "scrap"}, format="json")

    assert response.status_code == 200, response.json()
    location = Location.objects.get(pk=holding.staging.pk)
    assert (location.warehouse_id, location.kind) == (holding.other_warehouse.pk, "scrap")
    assert services.check_stock_ledger() == []


def test_a_location_holding_stock_may_change_what_the_ledger_does_not_depend_on(holding):
    response = client_for(holding).patch(
        f"{API}/locations/{holding.stock.pk}/", {"name": "Main stock", "active": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Location.objects.values_list("name", "active").get(pk=holding.stock.pk) == ("Main stock", False)


def test_a_product_with_stock_keeps_its_unit_and_decimals(holding):
    api = client_for(holding)
    before = stored(holding)
    url = f"{API}/products/{holding.product.pk}/"

    finer = api.patch(url, {"unit_decimals": 2}, format="json")
    other_unit = api.patch(url, {"unit": "kg"}, format="json")

    assert finer.status_code == other_unit.status_code == 409
    rule = "a product keeps its unit once its goods have moved; create a new product for another unit."
    assert finer.json() == refusal(
        f"Cannot change the unit decimals of product BOLT-10: it has 145 pcs on hand; {rule}"
    )
    assert other_unit.json() == refusal(
        f"Cannot change the unit of measure of product BOLT-10: it has 145 pcs on hand; {rule}"
    )
    assert stored(holding) == before
    assert services.check_stock_ledger() == []


def test_a_product_with_stock_history_only_keeps_its_decimals(emptied):
    response = client_for(emptied).patch(
        f"{API}/products/{emptied.product.pk}/", {"unit_decimals": 3}, format="json"
    )
    assert response.status_code == 409
    assert "BOLT-10: it has stock history" in response.json()["detail"]
    assert Product.objects.get(pk=emptied.product.pk).unit_decimals == 0


def test_a_product_never_moved_may_change_its_unit(holding):
    fresh = ProductFactory.create(sku="ROPE-1")
    response = client_for(holding).patch(
        f"{API}/products/{fresh.pk}/", {"unit": "m", "unit_decimals": 2}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Product.objects.values_list("unit", "unit_decimals").get(pk=fresh.pk) == ("m", 2)


def test_a_warehouse_holding_stock_keeps_its_kind(holding):
    api = client_for(holding)
    before = stored(holding)

    response = api.patch(
        f"{API}/warehouses/{holding.warehouse.pk}/", {"kind": WarehouseKind.DROPSHIP}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == refusal(
        "Cannot change the kind of warehouse BER1: it holds 145 units; "
        "a warehouse keeps its kind once goods have moved through it."
    )
    assert stored(holding) == before
    assert services.check_stock_ledger() == []
    unused = api.patch(
        f"{API}/warehouses/{holding.other_warehouse.pk}/", {"kind": WarehouseKind.TRANSIT}, format="json"
    )
    assert unused.status_code == 200, unused.json()
    assert Warehouse.objects.get(pk=holding.other_warehouse.pk).kind == "transit"


# -- the admin -------------------------------------------------------------------------------


def test_the_admin_shows_the_refusal_on_the_field_and_changes_nothing(holding, munich):
    clerk = logged_in(holding)
    before = stored(holding)

    location = clerk.post(
        f"{ADMIN}/location/{holding.stock.pk}/change/",
        {
            "warehouse": munich.pk,
            "code": "STOCK",
            "name": "Stock",
            "kind": "stock",
            "active": "on",
        },
    )
    product = clerk.post(
        f"{ADMIN}/product/{holding.product.pk}/change/",
        {"sku": "BOLT-10", "name": "Bolt", "unit": "pcs", "unit_decimals": 2, "active": "on"},
    )

    assert location.status_code == product.status_code == 200
    assert location.context["adminform"].form.errors == {
        "warehouse": [
            f"Cannot change the warehouse of location BER1/STOCK: it holds 145 units; {LOCATION_RULE}"
        ]
    }
    assert list(product.context["adminform"].form.errors) == ["unit_decimals"]
    assert stored(holding) == before


def test_the_warehouse_admin_refuses_its_kind_and_its_locations_kind(holding):
    clerk = logged_in(holding)
    before = stored(holding)
    locations = list(Location.objects.filter(warehouse=holding.warehouse).order_by("code"))
    inline: dict[str, Any] = {
        "locations-TOTAL_FORMS": str(len(locations)),
        "locations-INITIAL_FORMS": str(len(locations)),
    }
    for index, location in enumerate(locations):
        kind = "scrap" if location.pk == holding.stock.pk else location.kind
        inline |= {
            f"locations-{index}-id": location.pk,
            f"locations-{index}-warehouse": holding.warehouse.pk,
            f"locations-{index}-code": location.code,
            f"locations-{index}-name": location.name,
            f"locations-{index}-kind": kind,
            f"locations-{index}-active": "on",
        }

    response = clerk.post(
        f"{ADMIN}/warehouse/{holding.warehouse.pk}/change/",
        {"code": "BER1", "name": holding.warehouse.name, "kind": "dropship", "active": "on", **inline},
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["kind"]
    formset_errors = response.context["inline_admin_formsets"][0].formset.errors
    stock_row = [location.pk for location in locations].index(holding.stock.pk)
    assert formset_errors[stock_row] == {
        "kind": [f"Cannot change the kind of location BER1/STOCK: it holds 145 units; {LOCATION_RULE}"]
    }
    assert stored(holding) == before


# -- any other save --------------------------------------------------------------------------


def test_a_plain_save_is_refused_too(emptied):
    location = Location.objects.get(pk=emptied.stock.pk)
    location.kind = LocationKind.SCRAP
    with pytest.raises(LedgerBoundChange) as refused:
        location.save()
    assert refused.value.status == 409
    assert refused.value.field_names == ("kind",)
    assert Location.objects.get(pk=emptied.stock.pk).kind == "stock"
    location.name = "Renamed"
    location.save(update_fields=["name"])  # the kind is not saved, so nothing is refused
    assert Location.objects.values_list("name", "kind").get(pk=emptied.stock.pk) == ("Renamed", "stock")


# -- a change racing a move (PostgreSQL) -----------------------------------------------------


def wait_for_lock_waiters(count: int, timeout: float = 10.0) -> None:
    """Return once ``count`` sessions of this database wait for a row lock (or fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    pytest.fail(f"{count} session(s) never waited for a lock")


def interleave(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run ``first`` in a transaction kept open until ``second``, started after it, waits for one
    of its locks; return what each returned or raised."""
    first_done, finish = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def hold_open() -> Any:
        with transaction.atomic():
            result = first()
            first_done.set()
            finish.wait(20)
        return result

    def after_first() -> Any:
        first_done.wait(20)
        return second()

    def run(name: str, target: Callable[[], Any]) -> None:
        try:
            outcome[name] = target()
        except BaseException as error:  # the test inspects it
            outcome[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", hold_open)),
        threading.Thread(target=run, args=("second", after_first)),
    ]
    for thread in threads:
        thread.start()
    try:
        wait_for_lock_waiters(1)
    finally:
        finish.set()
        for thread in threads:
            thread.join(30)
    return outcome["first"], outcome["second"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_receipt_waits_for_a_change_of_its_locations_warehouse_and_books_into_the_new_one():
    site = make_site()

    def change_warehouse() -> None:
        with scope.tenant(site.tenant.pk):
            location = Location.objects.get(pk=site.staging.pk)
            location.warehouse_id = site.other_warehouse.pk
            location.save()

    def receive() -> Any:
        with scope.tenant(site.tenant.pk):
            return services.receive(site.product.pk, site.staging.pk, 5, "1.00", actor=ACTOR)

    changed, received = interleave(change_warehouse, receive)

    assert changed is None
    assert not isinstance(received, BaseException), received
    with scope.tenant(site.tenant):
        assert list(StockAvailability.objects.values_list("warehouse_id", "on_hand")) == [
            (site.other_warehouse.pk, D(5))
        ]
        assert services.check_stock_ledger() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_waiting_for_a_receipt_into_the_location_is_refused():
    site = make_site()

    def receive() -> None:
        with scope.tenant(site.tenant.pk):
            services.receive(site.product.pk, site.staging.pk, 5, "1.00", actor=ACTOR)

    def change_kind() -> None:
        with scope.tenant(site.tenant.pk):
            location = Location.objects.get(pk=site.staging.pk)
            location.kind = LocationKind.SCRAP
            location.save()

    received, changed = interleave(receive, change_kind)

    assert received is None
    assert isinstance(changed, LedgerBoundChange)
    assert (
        changed.detail == f"Cannot change the kind of location BER1/STAGE: it holds 5 units; {LOCATION_RULE}"
    )
    with scope.tenant(site.tenant):
        assert Location.objects.get(pk=site.staging.pk).kind == "staging"
        assert services.check_stock_ledger() == []
