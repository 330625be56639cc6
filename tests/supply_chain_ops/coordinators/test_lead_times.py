"""Lead times learnt from a hand-made receipt history, the quoted fallback, and the peak buffer."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, Vendor
from nexus.procurement.services import draft_receipt, post_receipt
from supply_chain_ops.coordinators.lead_times import (
    LeadTimeEstimate,
    lead_time_estimates,
    refresh_lead_times,
    refresh_on_receipt,
)
from supply_chain_ops.models import VendorLeadTime
from supply_chain_ops.services.lead_times import Delivery, estimate
from tests.supply_chain_ops.atp_site import AtpSite, atp_site, purchase

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]


def delivered(site: AtpSite, ordered_days_ago: int, took: int, quoted: int = 10) -> None:
    """A purchase order sent ``ordered_days_ago``, expected after ``quoted`` days, received after ``took``."""
    today = timezone.localdate()
    ordered = today - dt.timedelta(days=ordered_days_ago)
    order = purchase(site, (0, "5"))
    sent = timezone.make_aware(dt.datetime.combine(ordered, dt.time(9)))
    PurchaseOrder.objects.filter(pk=order.pk).update(sent_at=sent)
    PurchaseOrderLine.objects.filter(order=order).update(expected_date=ordered + dt.timedelta(days=quoted))
    receipt = draft_receipt(order, received_at=sent + dt.timedelta(days=took))
    post_receipt(receipt, actor=site.purchaser)


def test_history_gives_mean_sigma_on_time_rate_and_confidence(atp_site):
    site = atp_site
    for days_ago, took in ((200, 8), (150, 10), (100, 12), (50, 10)):
        delivered(site, days_ago, took)

    stored = refresh_lead_times()

    assert stored == 1
    pair = (site.vendor.pk, site.bolt.pk)
    assert lead_time_estimates([pair]) == {
        # mean 10, sigma sqrt(8/3) = 1.63; ceil(10 + 1.65 * 1.63) = 13; 3 of 4 on time;
        # confidence (0.75 + 1 / (1 + 0.163)) / 2
        pair: LeadTimeEstimate(13, 10.0, 1.63, 0.75, 0.8048, "history", 4)
    }
    vendor = Vendor.objects.get(pk=site.vendor.pk)
    assert (vendor.on_time_rate, vendor.average_lead_time_days, vendor.receipts_counted) == (
        Decimal("0.7500"),
        Decimal("10.00"),
        4,
    )


def test_thin_history_keeps_the_quoted_lead_time(atp_site):
    site = atp_site
    delivered(site, 100, 30)
    delivered(site, 50, 30)

    refresh_lead_times()

    pair = (site.vendor.pk, site.bolt.pk)
    assert lead_time_estimates([pair])[pair] == LeadTimeEstimate(10, 10.0, 0.0, None, 0.5, "quoted", 2)


def test_a_pair_with_neither_history_nor_terms_is_absent_and_terms_alone_are_quoted(atp_site):
    site = atp_site

    found = lead_time_estimates([(site.vendor.pk, site.bolt.pk), (site.vendor.pk, site.nut.pk)])

    assert found == {(site.vendor.pk, site.bolt.pk): LeadTimeEstimate(10, 10.0, 0.0, None, 0.5, "quoted", 0)}


def test_a_peak_period_adds_its_buffer(atp_site):
    site = atp_site
    today = timezone.localdate()
    site.tenant.policies["atp_peak_periods"] = [
        {
            "start": str(today - dt.timedelta(days=1)),
            "end": str(today + dt.timedelta(days=1)),
            "buffer_days": 4,
        }
    ]
    site.tenant.save(update_fields=["policies"])

    pair = (site.vendor.pk, site.bolt.pk)
    assert lead_time_estimates([pair])[pair].days == 14


def test_a_receipt_relearns_its_vendor_once_whatever_the_redeliveries(atp_site):
    site = atp_site
    for days_ago in (90, 60, 30):
        delivered(site, days_ago, 9)
    payload = {"vendor_id": site.vendor.pk, "lines": [{"product_id": site.bolt.pk}]}

    refresh_on_receipt(payload, None)
    refresh_on_receipt(payload, None)

    learnt = VendorLeadTime.objects.get()
    assert (learnt.days, learnt.source, learnt.receipts_counted) == (9, "history", 3)


def test_the_command_refreshes_every_pair(atp_site):
    site = atp_site
    out = StringIO()

    call_command("refresh_lead_times", tenant=site.tenant.slug, stdout=out)

    assert out.getvalue().strip() == "acme: 1 lead time stored (0 from history)."
    assert VendorLeadTime.objects.get().source == "quoted"


def test_estimate_of_a_single_delivery_has_no_spread() -> None:
    day = dt.date(2026, 1, 1)
    one = estimate(
        [Delivery(day, day + dt.timedelta(days=5), day + dt.timedelta(days=4))], 7, min_receipts=1, z=2
    )

    assert one == LeadTimeEstimate(4, 4.0, 0.0, 1.0, 1.0, "history", 1)
