"""Requisitions: approval, rejection, and conversion into draft orders per vendor."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.core.errors import InvalidInput, TransitionNotAllowed
from nexus.core.transitions import perform_transition
from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, RequisitionStatus
from nexus.procurement.services import convert_requisition, order_quantity
from tests.factories.inventory import ProductFactory
from tests.factories.procurement import (
    RequisitionFactory,
    RequisitionLineFactory,
    VendorFactory,
    VendorProductFactory,
)

from .helpers import refreshed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("wanted", "minimum", "multiple", "ordered"),
    [
        ("5", "0", "1", "5"),
        ("5", "10", "1", "10"),
        ("13", "0", "12", "24"),
        ("5", "10", "12", "12"),
        ("2.5", "0", "0.5", "2.5"),
    ],
)
def test_order_quantity_meets_the_minimum_and_the_multiple(site, wanted, minimum, multiple, ordered):
    terms = VendorProductFactory.create(
        vendor=site.vendor,
        product=site.bolt,
        minimum_order_quantity=Decimal(minimum),
        order_multiple=Decimal(multiple),
    )

    assert order_quantity(Decimal(wanted), terms) == Decimal(ordered)


def approved(requisition, actor):
    return perform_transition(requisition, "approve", actor=actor).instance


def test_conversion_makes_a_draft_order_per_preferred_vendor_with_its_terms(site, purchaser):
    other_vendor = VendorFactory.create(code="BETA")
    screw = ProductFactory.create(sku="SCREW-4")
    VendorProductFactory.create(
        vendor=site.vendor,
        product=site.bolt,
        unit_price=Decimal("4.10"),
        lead_time_days=5,
        priority=1,
        minimum_order_quantity=Decimal(10),
        vendor_sku="A-BOLT",
    )
    VendorProductFactory.create(
        vendor=other_vendor, product=site.bolt, unit_price=Decimal("3.90"), priority=2
    )
    VendorProductFactory.create(
        vendor=other_vendor,
        product=screw,
        unit_price=Decimal("0.05"),
        lead_time_days=20,
        order_multiple=Decimal(100),
    )
    needed = timezone.localdate() + dt.timedelta(days=10)
    requisition = RequisitionFactory.create(warehouse=site.warehouse, needed_by=needed)
    bolt_line = RequisitionLineFactory.create(requisition=requisition, product=site.bolt, quantity=Decimal(4))
    screw_line = RequisitionLineFactory.create(requisition=requisition, product=screw, quantity=Decimal(150))

    result = convert_requisition(approved(requisition, purchaser), actor=purchaser)

    assert result.instance.status == RequisitionStatus.CONVERTED
    acme, beta = result.output
    assert (acme.vendor, beta.vendor) == (site.vendor, other_vendor)
    assert {acme.status, beta.status} == {"draft"}
    assert acme.warehouse == site.warehouse
    today = timezone.localdate()
    assert list(
        PurchaseOrderLine.objects.filter(order=acme).values_list(
            "product_id", "vendor_sku", "quantity", "unit_price", "expected_date", "requisition_line_id"
        )
    ) == [(site.bolt.pk, "A-BOLT", Decimal("10.0000"), Decimal("4.100000"), needed, bolt_line.pk)]
    assert list(
        PurchaseOrderLine.objects.filter(order=beta).values_list(
            "product_id", "quantity", "unit_price", "expected_date"
        )
    ) == [(screw.pk, Decimal("200.0000"), Decimal("0.050000"), today + dt.timedelta(days=20))]
    assert screw_line.purchase_order_lines.get().order == beta


def test_a_line_without_any_vendor_refuses_the_conversion_and_creates_nothing(site, purchaser):
    requisition = RequisitionFactory.create(warehouse=site.warehouse)
    RequisitionLineFactory.create(requisition=requisition, product=site.bolt)
    requisition = approved(requisition, purchaser)

    with pytest.raises(TransitionNotAllowed, match="cannot convert: no vendor for BOLT-10"):
        convert_requisition(requisition, actor=purchaser)

    assert refreshed(requisition).status == RequisitionStatus.APPROVED
    assert not PurchaseOrder.objects.exists()


def test_a_named_vendor_wins_over_the_preferred_one(site, purchaser):
    other_vendor = VendorFactory.create(code="BETA")
    VendorProductFactory.create(vendor=site.vendor, product=site.bolt, priority=1)
    requisition = RequisitionFactory.create(warehouse=site.warehouse)
    RequisitionLineFactory.create(requisition=requisition, product=site.bolt, vendor=other_vendor)

    (order,) = convert_requisition(approved(requisition, purchaser), actor=purchaser).output

    assert order.vendor == other_vendor
    assert order.lines.get().unit_price == Decimal(0)  # no terms: the buyer completes the draft


def test_rejection_needs_a_reason_and_a_draft_cannot_be_converted(site, purchaser):
    requisition = RequisitionFactory.create(warehouse=site.warehouse)
    RequisitionLineFactory.create(requisition=requisition, product=site.bolt)
    with pytest.raises(
        TransitionNotAllowed, match="cannot convert to purchase orders: the requisition is draft"
    ):
        convert_requisition(requisition, actor=purchaser)
    with pytest.raises(InvalidInput, match="A reason is required to reject"):
        perform_transition(requisition, "reject", actor=purchaser)

    rejected = perform_transition(requisition, "reject", actor=purchaser, reason="not in budget").instance

    assert rejected.status == RequisitionStatus.REJECTED


def test_an_empty_requisition_cannot_be_approved(site, purchaser):
    requisition = RequisitionFactory.create(warehouse=site.warehouse)

    with pytest.raises(TransitionNotAllowed, match="cannot approve: the requisition has no lines"):
        perform_transition(requisition, "approve", actor=purchaser)
