"""Time-phased ATP over the domains' supply and demand: the issue's example, staging, query budget."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nexus.inventory.models import LocationKind
from supply_chain_ops.coordinators.atp import AtpAnswer, AtpRequest, available_to_promise, build_table
from tests.factories.inventory import LocationFactory, ProductFactory
from tests.supply_chain_ops.atp_site import START, AtpSite, atp_site, day, on_hand, purchase, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]

SUPPLY = [5, 0, 3, 6, 2, 5, 3]
DEMAND = [3, 4, 2, 1, 7, 1, 2]


def worked_example(site: AtpSite) -> None:
    on_hand(site, str(SUPPLY[0]))
    purchase(site, *((n, str(q)) for n, q in enumerate(SUPPLY) if n and q))
    sales_order(site, *((n, str(q)) for n, q in enumerate(DEMAND)))


def ask(quantity: str, warehouses: tuple[int, ...], product_id: int, **options: Any) -> AtpAnswer:
    return available_to_promise(
        [AtpRequest(product_id, Decimal(quantity), warehouses)], start=START, horizon_days=7, **options
    )[0]


def test_the_worked_example_from_the_domains(atp_site):
    site = atp_site
    worked_example(site)

    table = build_table([site.bolt.pk], [site.warehouse.pk], start=START, days=7)
    row = table.row(site.bolt.pk, site.warehouse.pk)

    assert (table.supply[row] // 10**4).tolist() == SUPPLY
    assert (table.demand[row] // 10**4).tolist() == DEMAND
    assert [b.cumulative_atp for b in table.buckets(site.bolt.pk, site.warehouse.pk)] == [
        Decimal(n).quantize(Decimal("0.0001")) for n in (0, 0, 0, 0, 0, 3, 4)
    ]


def test_three_units_on_day_six_and_five_only_beyond_the_horizon(atp_site):
    site = atp_site
    worked_example(site)

    three = ask("3", (site.warehouse.pk,), site.bolt.pk)
    five = ask("5", (site.warehouse.pk,), site.bolt.pk)

    assert (three.promise_date, three.basis, [s.warehouse_code for s in three.sources]) == (
        day(5),
        "atp",
        ["BER1"],
    )
    # Nothing is on hand for it: all of it still has to come, from a vendor with no history yet.
    assert three.breakdown == {
        "basis": "atp",
        "stock_share": 0.0,
        "inbound_share": 1.0,
        "inbound_reliability": 0.5,
    }
    assert three.promisable == {site.warehouse.pk: Decimal("4.0000")}
    assert (five.promise_date, five.basis, five.confidence) == (
        START + dt.timedelta(days=10),
        "lead_time",
        0.5,
    )
    assert five.breakdown["lead_time_days"] == 10
    assert five.breakdown["source"] == "quoted"


def test_the_nearest_in_time_of_several_warehouses_serves_the_whole_quantity(atp_site):
    site = atp_site
    on_hand(site, "2")
    on_hand(site, "6", location=site.other_stock)
    purchase(site, (3, "10"))

    answer = ask("5", (site.warehouse.pk, site.other_warehouse.pk), site.bolt.pk, with_buckets=True)

    assert (answer.promise_date, [(s.warehouse_code, s.quantity) for s in answer.sources]) == (
        START,
        [("HAM1", Decimal("5"))],
    )
    assert answer.confidence == 1.0
    assert answer.buckets is not None
    assert len(answer.buckets[site.warehouse.pk]) == 7
    assert answer.buckets[site.warehouse.pk][3].supply == Decimal("10.0000")


def test_staged_stock_is_supply_and_a_reservation_counts_once(atp_site):
    site = atp_site
    staging = LocationFactory.create(warehouse=site.warehouse, code="STAGE", kind=LocationKind.STAGING)
    on_hand(site, "10")
    on_hand(site, "4", location=staging)
    sales_order(site, (2, "6"))  # reserves 6 of the 10 sellable: demand of 6, once

    answer = ask("8", (site.warehouse.pk,), site.bolt.pk)

    assert answer.promisable == {site.warehouse.pk: Decimal("8.0000")}
    assert answer.promise_date == START


def test_a_product_without_supply_or_vendor_cannot_be_promised(atp_site):
    site = atp_site

    answer = ask("1", (site.warehouse.pk,), site.nut.pk)

    assert (answer.promise_date, answer.basis, answer.confidence) == (None, "none", 0.0)


def test_the_query_count_does_not_grow_with_products_and_warehouses(atp_site):
    site = atp_site
    worked_example(site)
    few = [site.bolt.pk]
    many = few + [ProductFactory.create(sku=f"P-{n}").pk for n in range(8)]
    for product_id in many[1:4]:
        on_hand(site, "3", product=type(site.bolt).objects.get(pk=product_id))
        sales_order(site, (1, "1"), product=type(site.bolt).objects.get(pk=product_id))

    def queries(products: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            available_to_promise([AtpRequest(p, Decimal(1)) for p in products], start=START, horizon_days=30)
        return len(captured)

    assert queries(many) == queries(few)


def test_the_command_prints_the_promise_and_its_reasons(atp_site):
    site = atp_site
    on_hand(site, "4")
    out = StringIO()

    call_command("atp", "bolt-10", quantity="3", warehouse=["ber1"], tenant="acme", stdout=out)

    assert out.getvalue().splitlines() == [
        f"BOLT-10 x 3: {timezone.localdate().isoformat()} from BER1 3 (atp), confidence 1.00",
        "  because: stock_share 1.0, inbound_share 0.0, inbound_reliability 0.5",
        "  BER1: 4 promisable over the horizon",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["NOPE-1", "--quantity", "1"], "acme has no product 'NOPE-1'."),
        (["BOLT-10", "--quantity", "x"], "'x' is not a quantity."),
        (["BOLT-10", "--quantity", "-1"], "The quantity must be positive."),
        (["BOLT-10", "--quantity", "1", "--warehouse", "XX"], "No warehouse holding stock with the code XX."),
    ],
)
def test_the_command_refuses_bad_input(atp_site, arguments, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("atp", *arguments, "--tenant", "acme")
