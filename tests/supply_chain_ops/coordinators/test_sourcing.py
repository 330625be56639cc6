"""Regional sourcing: the nearest warehouse that can deliver in time, explained."""

from decimal import Decimal

import pytest

from nexus.core.errors import TransitionNotAllowed
from nexus.sales.models import SalesOrderLine
from supply_chain_ops.coordinators.sourcing import apply_sourcing, plan_sourcing
from supply_chain_ops.services.geo import great_circle_km
from tests.factories.inventory import LocationFactory, WarehouseFactory
from tests.supply_chain_ops.atp_site import START, AtpSite, atp_site, day, on_hand, purchase, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]

HAMBURG = (Decimal("53.551086"), Decimal("9.993682"))
MUNICH = (Decimal("48.137154"), Decimal("11.576124"))


@pytest.fixture
def germany(atp_site: AtpSite) -> AtpSite:
    """BER1 in Berlin, HAM1 in Hamburg (where the customer is), MUC1 in Munich."""
    site = atp_site
    type(site.other_warehouse).objects.filter(pk=site.other_warehouse.pk).update(
        latitude=HAMBURG[0], longitude=HAMBURG[1]
    )
    munich = WarehouseFactory.create(code="MUC1", city="Munich", latitude=MUNICH[0], longitude=MUNICH[1])
    site.munich_stock = LocationFactory.create(warehouse=munich, code="STOCK")  # type: ignore[attr-defined]
    return site


def test_great_circle_distance_berlin_to_hamburg() -> None:
    assert round(great_circle_km(52.520008, 13.404954, 53.551086, 9.993682), 1) == 255.2


def test_the_nearest_warehouse_that_delivers_in_time_wins_and_says_why(germany):
    site = germany
    on_hand(site, "10")  # Berlin
    on_hand(site, "10", location=site.munich_stock)
    purchase(site, (8, "10"), warehouse=site.other_warehouse)  # Hamburg: too late for day 5
    order = sales_order(site, (5, "6"), confirm=False)

    (line,) = plan_sourcing(order.pk, today=START).lines

    assert [(s.warehouse_code, s.quantity) for s in line.sources] == [("BER1", Decimal("6"))]
    assert line.explanation == (
        "BER1 is the nearest warehouse that can deliver 6 by 2026-03-07, 255.2 km away, from 2026-03-02."
    )
    assert [(c.code, c.in_time, c.promise_date) for c in line.candidates] == [
        ("BER1", True, START),
        ("MUC1", True, START),
        ("HAM1", False, day(8)),
    ]


def test_hamburg_wins_once_its_goods_arrive_in_time(germany):
    site = germany
    on_hand(site, "10")
    purchase(site, (3, "10"), warehouse=site.other_warehouse)
    order = sales_order(site, (5, "6"), confirm=False)

    (line,) = plan_sourcing(order.pk, today=START).lines

    assert (line.sources[0].warehouse_code, line.promise_date) == ("HAM1", day(3))


def test_a_second_line_does_not_count_on_what_the_first_took(germany):
    site = germany
    on_hand(site, "10")
    on_hand(site, "10", location=site.munich_stock)
    order = sales_order(site, (5, "10"), (5, "10"), confirm=False)

    first, second = plan_sourcing(order.pk, today=START).lines

    assert (first.sources[0].warehouse_code, second.sources[0].warehouse_code) == ("BER1", "MUC1")


def test_a_split_only_where_the_tenant_allows_it(germany):
    site = germany
    on_hand(site, "10")
    on_hand(site, "10", location=site.munich_stock)
    order = sales_order(site, (5, "15"), confirm=False)

    (whole,) = plan_sourcing(order.pk, today=START).lines
    site.tenant.policies["atp_allow_split"] = True
    site.tenant.save(update_fields=["policies"])
    (split,) = plan_sourcing(order.pk, today=START).lines

    assert (whole.sources, whole.promise_date) == ((), None)
    assert whole.explanation == "No warehouse can promise 15 within the horizon."
    assert [(s.warehouse_code, s.quantity) for s in split.sources] == [
        ("BER1", Decimal("10.0000")),
        ("MUC1", Decimal("5.0000")),
    ]


def test_applying_sets_the_draft_lines_warehouses_and_refuses_a_confirmed_order(germany):
    site = germany
    on_hand(site, "10", location=site.munich_stock)
    draft = sales_order(site, (5, "6"), confirm=False)

    apply_sourcing(draft.pk, actor=site.seller, today=START)

    assert SalesOrderLine.objects.get(order=draft).warehouse.code == "MUC1"
    confirmed = sales_order(site, (5, "1"), warehouse=site.other_warehouse)
    with pytest.raises(TransitionNotAllowed, match="no longer a draft"):
        apply_sourcing(confirmed.pk, actor=site.seller, today=START)
    assert SalesOrderLine.objects.get(order=confirmed).warehouse.code == "HAM1"
