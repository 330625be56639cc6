"""Vendor bills: approval fixes an exact total and announces landed-cost charges; paying."""

from decimal import Decimal

import pytest

from nexus.core.errors import PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent
from nexus.core.transitions import perform_transition
from nexus.procurement.models import BillLineKind, VendorBillLineReceipt, VendorBillStatus
from nexus.procurement.services import approve_bill, draft_receipt, post_receipt
from tests.factories.procurement import VendorBillFactory, VendorBillLineFactory

from .helpers import refreshed, sent_order

pytestmark = pytest.mark.django_db


def charge(bill, receipts, kind=BillLineKind.FREIGHT, price="50"):
    line = VendorBillLineFactory.create(bill=bill, kind=kind, unit_price=Decimal(price), description=kind)
    for receipt in receipts:
        VendorBillLineReceipt.objects.create(line=line, goods_receipt=receipt)
    return line


@pytest.fixture
def posted_receipt(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = draft_receipt(order)
    return post_receipt(receipt, actor=clerk).instance


def test_approval_fixes_the_total_from_lines_rounded_at_the_minor_unit(site, accountant):
    bill = VendorBillFactory.create(vendor=site.vendor)
    # 3 x 0.335 = 1.005 -> 1.00 (half-even), 7 x 1.115 = 7.805 -> 7.80, 1 x 0.125 = 0.125 -> 0.12
    VendorBillLineFactory.create(bill=bill, quantity=Decimal(3), unit_price=Decimal("0.335"))
    VendorBillLineFactory.create(bill=bill, quantity=Decimal(7), unit_price=Decimal("1.115"))
    VendorBillLineFactory.create(bill=bill, kind=BillLineKind.EXPENSE, unit_price=Decimal("0.125"))

    approved = approve_bill(bill, actor=accountant).instance

    assert approved.status == VendorBillStatus.APPROVED
    assert approved.total == Decimal("8.92")
    assert approved.approved_at is not None


def test_a_zero_decimal_currency_totals_in_whole_units(site, accountant):
    bill = VendorBillFactory.create(vendor=site.vendor, currency_id="JPY")
    VendorBillLineFactory.create(
        bill=bill, quantity=Decimal(3), unit_price=Decimal("333.5")
    )  # 1000.5 -> 1000
    VendorBillLineFactory.create(bill=bill, quantity=Decimal(1), unit_price=Decimal("0.5"))  # 0.5 -> 0

    assert approve_bill(bill, actor=accountant).instance.total == Decimal("1000")


def test_approval_publishes_the_charges_with_their_receipts(site, accountant, posted_receipt):
    bill = VendorBillFactory.create(vendor=site.vendor, vendor_invoice_number="FR-77")
    goods = VendorBillLineFactory.create(bill=bill, unit_price=Decimal("40"))
    freight = charge(bill, [posted_receipt], price="12.50")

    approve_bill(bill, actor=accountant)

    event = OutboxEvent.objects.get(name="procurement.vendor_bill_approved")
    assert event.payload == {
        "bill_id": bill.pk,
        "number": bill.number,
        "vendor_id": site.vendor.pk,
        "currency": "USD",
        "total": "52.50",
        "bill_date": bill.bill_date.isoformat(),
        "lines": [
            {"bill_line_id": goods.pk, "kind": "goods", "amount": "40.00", "goods_receipt_ids": []},
            {
                "bill_line_id": freight.pk,
                "kind": "freight",
                "amount": "12.50",
                "goods_receipt_ids": [posted_receipt.pk],
            },
        ],
        "schema_version": 1,
    }


def test_a_charge_naming_no_receipt_is_refused_and_nothing_changes(site, accountant):
    bill = VendorBillFactory.create(vendor=site.vendor)
    charge(bill, [], kind=BillLineKind.DUTY)

    with pytest.raises(TransitionNotAllowed, match="cannot approve: duty line “duty” names no goods receipt"):
        approve_bill(bill, actor=accountant)

    assert refreshed(bill).status == VendorBillStatus.DRAFT
    assert refreshed(bill).total is None
    assert not OutboxEvent.objects.filter(name="procurement.vendor_bill_approved").exists()


def test_a_charge_on_an_unposted_receipt_is_refused(site, purchaser, accountant):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    draft = draft_receipt(order)
    bill = VendorBillFactory.create(vendor=site.vendor)
    charge(bill, [draft])

    with pytest.raises(TransitionNotAllowed, match=f"goods receipt {draft.number} is not posted"):
        approve_bill(bill, actor=accountant)


def test_an_empty_bill_cannot_be_approved(site, accountant):
    bill = VendorBillFactory.create(vendor=site.vendor)

    with pytest.raises(TransitionNotAllowed, match="cannot approve: the bill has no lines"):
        approve_bill(bill, actor=accountant)


def test_paying_follows_approval_only(site, accountant):
    bill = VendorBillFactory.create(vendor=site.vendor)
    VendorBillLineFactory.create(bill=bill)
    with pytest.raises(TransitionNotAllowed, match="cannot mark paid: the vendor bill is draft"):
        perform_transition(bill, "pay", actor=accountant)
    approve_bill(bill, actor=accountant)

    paid = perform_transition(bill, "pay", actor=accountant, reason="transfer 2026-04-01").instance

    assert paid.status == VendorBillStatus.PAID
    assert paid.paid_at is not None


def test_a_warehouse_clerk_may_not_approve_bills(site, clerk):
    bill = VendorBillFactory.create(vendor=site.vendor)
    VendorBillLineFactory.create(bill=bill)

    with pytest.raises(PermissionDenied):
        approve_bill(bill, actor=clerk)
