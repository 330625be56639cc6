"""The open transfers join the domains' supply and demand rows."""

import datetime as dt
from decimal import Decimal

import pytest

from supply_chain_ops.contracts.transfers import SupplyDemandRow
from supply_chain_ops.coordinators.supply_demand import supply_demand
from supply_chain_ops.workflows import transfers
from tests.supply_chain_ops.transfer_site import EXPECTED, SHIP_DATE, draft, transfer_site

pytestmark = pytest.mark.django_db
__all__ = ["transfer_site"]

START = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)


def test_drafts_are_demand_at_the_source_and_supply_at_the_destination(transfer_site):
    site = transfer_site
    draft(site, (site.bolt, "30"))

    rows = supply_demand([site.bolt.pk], [site.berlin.pk, site.hamburg.pk], START, END)

    assert rows == [
        SupplyDemandRow(site.bolt.pk, site.berlin.pk, START, "on_hand", Decimal("100.0000")),
        SupplyDemandRow(site.bolt.pk, site.berlin.pk, SHIP_DATE, "transfer_out", Decimal("-30.0000")),
        SupplyDemandRow(site.bolt.pk, site.hamburg.pk, EXPECTED, "transfer_in", Decimal("30.0000")),
    ]


def test_an_approved_transfer_is_demand_only_through_its_reservation(transfer_site):
    site = transfer_site
    transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner)

    rows = supply_demand([site.bolt.pk], [site.berlin.pk, site.hamburg.pk], START, END)

    assert [(r.warehouse_id, r.kind, r.quantity) for r in rows] == [
        (site.berlin.pk, "on_hand", Decimal("100.0000")),
        (site.berlin.pk, "reservation", Decimal("-30.0000")),
        (site.hamburg.pk, "transfer_in", Decimal("30.0000")),
    ]


def test_goods_in_transit_are_supply_until_received_or_written_off(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner), actor=site.clerk
    )
    order = transfers.receive(order, {order.lines.get().pk: "12"}, actor=site.clerk).instance

    rows = supply_demand([site.bolt.pk], [site.hamburg.pk], START, END)
    assert [(r.kind, r.date, r.quantity) for r in rows] == [
        ("on_hand", START, Decimal("12.0000")),
        ("transfer_in", EXPECTED, Decimal("18.0000")),
    ]

    transfers.close(order, actor=site.clerk, reason="lost")
    assert [r.kind for r in supply_demand([site.bolt.pk], [site.hamburg.pk], START, END)] == ["on_hand"]


def test_overdue_transfers_are_dated_at_the_start_and_later_ones_left_out(transfer_site):
    site = transfer_site
    draft(site, (site.bolt, "30"))

    later = supply_demand([site.bolt.pk], [site.hamburg.pk], dt.date(2026, 3, 10), dt.date(2026, 3, 20))
    earlier = supply_demand([site.bolt.pk], [site.hamburg.pk], dt.date(2026, 2, 1), dt.date(2026, 2, 28))

    assert [(r.kind, r.date) for r in later] == [("transfer_in", dt.date(2026, 3, 10))]
    assert earlier == []
