"""Vendor delivery statistics, written by the supply chain from receipt history."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.procurement.models import Vendor


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
