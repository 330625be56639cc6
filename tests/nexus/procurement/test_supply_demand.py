"""Procurement's supply by day, by a hand-worked example."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.transitions import perform_transition
from nexus.inventory.services import SupplyDemandRow
from nexus.procurement.services import draft_receipt, post_receipt, supply_demand
from tests.factories.procurement import PurchaseOrderLineFactory

from .helpers import draft_order, order_lines, sent_order

pytestmark = pytest.mark.django_db

START = dt.date(2026, 5, 1)
END = dt.date(2026, 5, 31)


def test_open_order_lines_are_supply_on_their_expected_dates(
    site, purchaser, clerk, django_assert_num_queries
):
    # BOLT in BER1: 10 due 5 May, partly received (4) -> 6 open; 5 due 20 May.
    first = sent_order(site, purchaser, (site.bolt, "10", "1"))
    (line,) = order_lines(first)
    type(line).objects.filter(pk=line.pk).update(expected_date=dt.date(2026, 5, 5))
    post_receipt(draft_receipt(first, quantities={line.pk: Decimal(4)}), actor=clerk)
    second = draft_order(site)
    PurchaseOrderLineFactory.create(
        order=second, product=site.bolt, quantity=Decimal(5), expected_date=dt.date(2026, 5, 20)
    )
    # Overdue (28 April) and due the same day as another: both dated 1 May, summed with it.
    PurchaseOrderLineFactory.create(
        order=second, product=site.bolt, quantity=Decimal(2), expected_date=dt.date(2026, 4, 28)
    )
    PurchaseOrderLineFactory.create(order=second, product=site.bolt, quantity=Decimal(3), expected_date=START)
    # Beyond the horizon: left out.
    PurchaseOrderLineFactory.create(
        order=second, product=site.bolt, quantity=Decimal(9), expected_date=dt.date(2026, 6, 2)
    )
    # OIL into HAM1: its own row.
    PurchaseOrderLineFactory.create(
        order=second, product=site.oil, quantity=Decimal("7.5"), expected_date=dt.date(2026, 5, 9)
    )
    perform_transition(second, "send", actor=purchaser)
    type(second).objects.filter(pk=second.pk).update(warehouse=site.warehouse)
    # Drafts, cancelled and fully received orders bring nothing.
    draft_order(site, (site.bolt, "100", "1"))
    cancelled = sent_order(site, purchaser, (site.bolt, "100", "1"))
    perform_transition(cancelled, "cancel", actor=purchaser, reason="no")
    done = sent_order(site, purchaser, (site.bolt, "1", "1"))
    post_receipt(draft_receipt(done), actor=clerk)
    (line_done,) = order_lines(done)
    type(line_done).objects.filter(pk=line_done.pk).update(expected_date=dt.date(2026, 5, 3))

    with django_assert_num_queries(1):
        rows = supply_demand(
            [site.bolt.pk, site.oil.pk], [site.warehouse.pk, site.other_warehouse.pk], START, END
        )

    bolt, oil, wh = site.bolt.pk, site.oil.pk, site.warehouse.pk
    assert rows == [
        SupplyDemandRow(bolt, wh, dt.date(2026, 5, 1), "purchase", Decimal("5.0000")),
        SupplyDemandRow(bolt, wh, dt.date(2026, 5, 5), "purchase", Decimal("6.0000")),
        SupplyDemandRow(bolt, wh, dt.date(2026, 5, 20), "purchase", Decimal("5.0000")),
        SupplyDemandRow(oil, wh, dt.date(2026, 5, 9), "purchase", Decimal("7.5000")),
    ]


def test_nothing_asked_is_nothing_answered_without_a_query(site, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert supply_demand([], [site.warehouse.pk], START, END) == []


def test_an_end_before_the_start_is_refused(site):
    with pytest.raises(ValueError, match="end is before start"):
        supply_demand([site.bolt.pk], [site.warehouse.pk], END, START)
