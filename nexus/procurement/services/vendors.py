"""Vendor delivery statistics, written by the supply chain from delivery history."""

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.procurement.models import GoodsReceiptLine, GoodsReceiptStatus, Vendor, VendorShipmentLine


@dataclass(frozen=True)
class VendorStatistics:
    """How a vendor delivered: share of receipt lines on time, average lead time, lines counted."""

    on_time_rate: Decimal
    average_lead_time_days: Decimal
    receipts_counted: int


def record_vendor_statistics(
    statistics: Mapping[int, VendorStatistics], *, actor: ActorRef, computed_at: dt.datetime | None = None
) -> int:
    """Store the statistics of many vendors (by id) at once; return how many vendors were updated.

    Locks the vendors (ascending id) and writes in one statement; refuses a rate outside 0..1 or
    a negative lead time or count, naming the vendor, and then writes nothing. Audited.
    """
    if not statistics:
        return 0
    for pk, stats in statistics.items():
        if (
            not (0 <= stats.on_time_rate <= 1)
            or stats.average_lead_time_days < 0
            or stats.receipts_counted < 0
        ):
            raise InvalidInput(
                f"Vendor {pk}: the on-time rate must be between 0 and 1, lead time and count not negative."
            )
    when = computed_at or timezone.now()
    with transaction.atomic():
        vendors = list(Vendor.objects.select_for_update().filter(pk__in=list(statistics)).order_by("id"))
        for vendor in vendors:
            stats = statistics[vendor.pk]
            vendor.on_time_rate = stats.on_time_rate.quantize(Decimal("0.0001"))
            vendor.average_lead_time_days = stats.average_lead_time_days.quantize(Decimal("0.01"))
            vendor.receipts_counted = stats.receipts_counted
            vendor.statistics_computed_at = when
        Vendor.objects.bulk_update(
            vendors, ["on_time_rate", "average_lead_time_days", "receipts_counted", "statistics_computed_at"]
        )
        for vendor in vendors:
            record_event(
                "procurement.vendor.statistics_recorded",
                actor=actor,
                obj=ObjectRef.for_instance(vendor),
                data={
                    "on_time_rate": str(vendor.on_time_rate),
                    "average_lead_time_days": str(vendor.average_lead_time_days),
                    "receipts_counted": vendor.receipts_counted,
                },
            )
    return len(vendors)


@dataclass(frozen=True)
class Delivery:
    """One delivered quantity of an order line: by a goods receipt or a vendor's shipment notice."""

    vendor_id: int
    purchase_order_line_id: int
    product_id: int
    quantity: Decimal
    expected_date: dt.date
    sent_at: dt.datetime | None
    delivered_at: dt.datetime
    dropship: bool


def delivery_history(vendor_ids: Collection[int], *, since: dt.datetime | None = None) -> list[Delivery]:
    """What the vendors delivered (since ``since``), the basis of their delivery statistics.

    Posted goods-receipt lines and dropship vendor-shipment lines alike: a dropship line the
    vendor delivered to the customer counts as received. Two queries; ordered by delivery time.
    """
    receipts = GoodsReceiptLine.objects.filter(
        receipt__status=GoodsReceiptStatus.POSTED, receipt__purchase_order__vendor_id__in=vendor_ids
    )
    notices = VendorShipmentLine.objects.filter(shipment__purchase_order__vendor_id__in=vendor_ids)
    if since is not None:
        receipts = receipts.filter(receipt__received_at__gte=since)
        notices = notices.filter(shipment__shipped_at__gte=since)
    rows = [
        Delivery(v, pk, product, q, expected, sent, at, False)
        for v, pk, product, q, expected, sent, at in receipts.values_list(
            "receipt__purchase_order__vendor_id",
            "purchase_order_line_id",
            "purchase_order_line__product_id",
            "quantity",
            "purchase_order_line__expected_date",
            "receipt__purchase_order__sent_at",
            "receipt__received_at",
        )
    ]
    rows += [
        Delivery(v, pk, product, q, expected, sent, at, True)
        for v, pk, product, q, expected, sent, at in notices.values_list(
            "shipment__purchase_order__vendor_id",
            "purchase_order_line_id",
            "purchase_order_line__product_id",
            "quantity",
            "purchase_order_line__expected_date",
            "shipment__purchase_order__sent_at",
            "shipment__shipped_at",
        )
    ]
    rows.sort(key=lambda row: (row.delivered_at, row.purchase_order_line_id))
    return rows
