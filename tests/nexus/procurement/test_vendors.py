"""Vendor delivery statistics: written in one go for many vendors, validated, audited."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import InvalidInput
from nexus.core.models import AuditEvent
from nexus.core.models.refs import ActorRef
from nexus.procurement.models import Vendor
from nexus.procurement.services import VendorStatistics, record_vendor_statistics
from tests.factories.procurement import VendorFactory

pytestmark = pytest.mark.django_db

ACTOR = ActorRef.system("vendor statistics")
WHEN = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)


def test_statistics_of_many_vendors_are_stored_and_audited(site):
    late = VendorFactory.create(code="LATE")

    updated = record_vendor_statistics(
        {
            site.vendor.pk: VendorStatistics(Decimal("0.96"), Decimal("7.25"), 48),
            late.pk: VendorStatistics(Decimal("0.412345"), Decimal("18.333"), 17),
        },
        actor=ACTOR,
        computed_at=WHEN,
    )

    assert updated == 2
    assert list(
        Vendor.objects.order_by("code").values_list(
            "code", "on_time_rate", "average_lead_time_days", "receipts_counted", "statistics_computed_at"
        )
    ) == [
        ("ACME", Decimal("0.9600"), Decimal("7.25"), 48, WHEN),
        ("LATE", Decimal("0.4123"), Decimal("18.33"), 17, WHEN),
    ]
    assert AuditEvent.objects.filter(action="procurement.vendor.statistics_recorded").count() == 2


def test_a_rate_above_one_is_refused_and_nothing_is_written(site):
    with pytest.raises(
        InvalidInput, match=f"Vendor {site.vendor.pk}: the on-time rate must be between 0 and 1"
    ):
        record_vendor_statistics(
            {site.vendor.pk: VendorStatistics(Decimal("1.2"), Decimal(5), 3)}, actor=ACTOR
        )

    assert Vendor.objects.get(pk=site.vendor.pk).on_time_rate is None
