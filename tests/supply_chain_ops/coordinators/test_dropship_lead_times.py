"""Dropship deliveries, confirmed by the vendor's shipment notice, count in the learnt lead times."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, Vendor
from supply_chain_ops.coordinators.lead_times import LeadTimeEstimate, lead_time_estimates
from supply_chain_ops.models import VendorLeadTime
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine
from tests.supply_chain_ops.dropship_site import DropshipSite, deliver_latest, dropship_site, opened

pytestmark = pytest.mark.django_db
__all__ = ["dropship_site"]

LEARNING = "supply_chain.lead_times_on_dropship"


def delivered_by_vendor(site: DropshipSite, ordered_days_ago: int, took: int, quoted: int = 5) -> None:
    """A dropship desk sent ``ordered_days_ago``, quoted ``quoted`` days, shipped after ``took``."""
    order = dropship.send(opened(site, (site.desk, "2", True)), actor=site.buyer)
    ordered = timezone.localdate() - dt.timedelta(days=ordered_days_ago)
    sent = timezone.make_aware(dt.datetime.combine(ordered, dt.time(9)))
    purchase_order = PurchaseOrder.objects.get(pk=order.lines.get().purchase_order_id)
    PurchaseOrder.objects.filter(pk=purchase_order.pk).update(sent_at=sent)
    PurchaseOrderLine.objects.filter(order=purchase_order).update(
        expected_date=ordered + dt.timedelta(days=quoted)
    )
    dropship.record_vendor_shipment(
        order,
        [ShippedLine(sales_order_line=order.lines.get().sales_order_line_id)],
        tracking_number=f"1Z{ordered_days_ago}",
        shipped_at=sent + dt.timedelta(days=took),
        actor=site.buyer,
    )


def test_vendor_confirmed_dropship_deliveries_are_lead_time_history(dropship_site):
    """ACME ships desks 4, 6 and 5 days after the order, quoted 5: mean 5, sigma 1, 2 of 3 on time."""
    site = dropship_site
    for days_ago, took in ((90, 4), (60, 6), (30, 5)):
        delivered_by_vendor(site, days_ago, took)

    deliver_latest("supply_chain.dropship_shipped", LEARNING)

    pair = (site.acme.pk, site.desk.pk)
    # ceil(5 + 1.65 * 1) = 7; confidence (2/3 + 1 / (1 + 0.2)) / 2
    assert lead_time_estimates([pair]) == {pair: LeadTimeEstimate(7, 5.0, 1.0, 0.6667, 0.75, "history", 3)}
    vendor = Vendor.objects.get(pk=site.acme.pk)
    assert (vendor.on_time_rate, vendor.average_lead_time_days, vendor.receipts_counted) == (
        Decimal("0.6667"),
        Decimal("5.00"),
        3,
    )


def test_the_listener_relearns_once_whatever_the_redeliveries(dropship_site):
    site = dropship_site
    delivered_by_vendor(site, 20, 3)

    deliver_latest("supply_chain.dropship_shipped", LEARNING)
    deliver_latest("supply_chain.dropship_shipped", LEARNING)

    learnt = VendorLeadTime.objects.get()
    # One delivery is thin history: the quoted 5 days stand, the delivery is counted.
    assert (learnt.vendor_id, learnt.product_id, learnt.source, learnt.days, learnt.receipts_counted) == (
        site.acme.pk,
        site.desk.pk,
        "quoted",
        5,
        1,
    )
