"""Sales demand by day: unreserved open quantities by promised date, by a hand-worked example."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.inventory.services import SupplyDemandRow
from nexus.sales.services import cancel_order, confirm_order, draft_shipment, post_shipment, supply_demand
from tests.factories.sales import SalesOrderLineFactory

from .conftest import stock
from .helpers import draft_order, order_lines

pytestmark = pytest.mark.django_db

START = dt.date(2026, 6, 1)
END = dt.date(2026, 6, 30)


def test_open_unreserved_quantities_are_demand_on_their_promised_dates(
    site, seller, clerk, django_assert_num_queries
):
    stock(site.stock_a, site.bolt, "5", "1")
    # Order 1: BOLT 8 promised 10 June: 5 reserved, 2 of them shipped -> 3 unreserved left.
    first = confirm_order(draft_order(site, (site.bolt, "8")), actor=seller).instance
    (line,) = order_lines(first)
    post_shipment(draft_shipment(first, quantities={line.pk: Decimal(2)}), actor=clerk)
    # Order 2: BOLT 4 promised 25 May (overdue: dated 1 June) and NUT 6 promised 10 June, nothing reserved.
    second = draft_order(site)
    SalesOrderLineFactory.create(
        order=second, product=site.bolt, quantity=Decimal(4), requested_date=dt.date(2026, 5, 25)
    )
    SalesOrderLineFactory.create(
        order=second, product=site.nut, quantity=Decimal(6), requested_date=dt.date(2026, 6, 10)
    )
    # ... a dropship line, and one promised after the horizon: neither counts.
    SalesOrderLineFactory.create(
        order=second,
        product=site.bolt,
        quantity=Decimal(9),
        dropship=True,
        warehouse=None,
        requested_date=dt.date(2026, 6, 10),
    )
    SalesOrderLineFactory.create(
        order=second, product=site.bolt, quantity=Decimal(9), requested_date=dt.date(2026, 7, 2)
    )
    confirm_order(second, actor=seller)
    # Drafts and cancelled orders are no demand.
    draft_order(site, (site.bolt, "50"))
    cancel_order(
        confirm_order(draft_order(site, (site.bolt, "50")), actor=seller).instance, actor=seller, reason="x"
    )

    with django_assert_num_queries(1):  # the reserved part is subtracted in the same query
        rows = supply_demand([site.bolt.pk, site.nut.pk], [site.warehouse.pk], START, END)

    bolt, nut, wh = site.bolt.pk, site.nut.pk, site.warehouse.pk
    assert rows == [
        SupplyDemandRow(bolt, wh, dt.date(2026, 6, 1), "sales", Decimal("-4.0000")),
        SupplyDemandRow(bolt, wh, dt.date(2026, 6, 10), "sales", Decimal("-3.0000")),
        SupplyDemandRow(nut, wh, dt.date(2026, 6, 10), "sales", Decimal("-6.0000")),
    ]


def test_nothing_asked_is_nothing_answered(site, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert supply_demand([site.bolt.pk], [], START, END) == []
