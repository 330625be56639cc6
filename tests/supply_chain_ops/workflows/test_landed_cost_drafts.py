"""Drafts from approved vendor bills: one per set of receipts, idempotent, each bill line claimed once."""

from decimal import Decimal

import pytest

from nexus.core.errors import Conflict
from nexus.core.events.delivery import deliver
from nexus.core.events.registry import find_listener
from nexus.core.models import OutboxEvent
from nexus.core.transitions import perform_transition
from nexus.procurement.models import BillLineKind, VendorBillLineReceipt
from nexus.procurement.services import approve_bill
from supply_chain_ops.models import LandedCost, LandedCostCharge, LandedCostStatus
from supply_chain_ops.workflows.landed_cost_drafts import draft_from_approved_bill
from supply_chain_ops.workflows.landed_costs import ChargeInput, create_landed_cost
from tests.factories.procurement import VendorBillFactory, VendorBillLineFactory
from tests.supply_chain_ops.conftest import SYSTEM, received

pytestmark = pytest.mark.django_db

LISTENER = "supply_chain.landed_cost_drafts"


def charge(bill, receipts, kind=BillLineKind.FREIGHT, price="50"):
    line = VendorBillLineFactory.create(bill=bill, kind=kind, unit_price=Decimal(price), description=kind)
    for receipt in receipts:
        VendorBillLineReceipt.objects.create(line=line, goods_receipt=receipt)
    return line


@pytest.fixture
def approved_bill(site, purchaser, clerk, accountant):
    first = received(site, purchaser, clerk, (site.bolt, "10", "4"))
    second = received(site, purchaser, clerk, (site.oil, "5", "2"))
    bill = VendorBillFactory.create(vendor=site.vendor, number="BILL-9")
    VendorBillLineFactory.create(bill=bill, unit_price=Decimal("40"))
    freight = charge(bill, [first, second], price="30")
    duty = charge(bill, [first, second], kind=BillLineKind.DUTY, price="12.50")
    insurance = charge(bill, [second], kind=BillLineKind.INSURANCE, price="5")
    approve_bill(bill, actor=accountant)
    return bill, (first, second), (freight, duty, insurance)


def _deliver():
    event = OutboxEvent.objects.get(name="procurement.vendor_bill_approved")
    deliver(event, find_listener(event.name, LISTENER))  # type: ignore[arg-type]
    return event


def test_an_approved_bill_drafts_one_landed_cost_per_set_of_receipts(site, approved_bill):
    bill, (first, second), (freight, duty, insurance) = approved_bill

    _deliver()

    drafts = list(LandedCost.objects.order_by("id"))
    assert [(d.status, d.source_bill_id) for d in drafts] == [(LandedCostStatus.DRAFT, bill.pk)] * 2
    assert [sorted(d.receipts.values_list("goods_receipt_id", flat=True)) for d in drafts] == [
        [first.pk, second.pk],
        [second.pk],
    ]
    assert [
        list(
            d.charges.order_by("id").values_list(
                "bill_line_id", "kind", "amount", "currency_id", "bill_number"
            )
        )
        for d in drafts
    ] == [
        [
            (freight.pk, "freight", Decimal("30.0000"), "USD", "BILL-9"),
            (duty.pk, "duty", Decimal("12.5000"), "USD", "BILL-9"),
        ],
        [(insurance.pk, "insurance", Decimal("5.0000"), "USD", "BILL-9")],
    ]


def test_a_redelivered_event_drafts_nothing_again(site, approved_bill, accountant):
    event = _deliver()
    first_draft = LandedCost.objects.order_by("id").first()
    perform_transition(first_draft, "cancel", actor=accountant, reason="entered by hand instead")

    # The outbox delivering the same event again.
    draft_from_approved_bill(event.payload, None)  # type: ignore[arg-type]

    assert LandedCost.objects.count() == 2
    assert LandedCostCharge.objects.count() == 3


def test_a_bill_line_is_never_claimed_twice(site, approved_bill):
    _deliver()
    _bill, (first, _second), (freight, _duty, _insurance) = approved_bill
    holder = LandedCostCharge.objects.get(bill_line_id=freight.pk).landed_cost

    with pytest.raises(Conflict) as refused:
        create_landed_cost(
            receipt_ids=[first.pk],
            charges=[ChargeInput(kind="freight", split_method="by_value", bill_line_id=freight.pk)],
            actor=SYSTEM,
        )

    assert refused.value.code == "bill_line_claimed"
    assert refused.value.detail == (
        f"Bill line {freight.pk} of BILL-9 is already capitalised by {holder.number}; "
        "a bill line is never capitalised twice."
    )
    assert LandedCost.objects.count() == 2


def test_a_cancelled_landed_cost_frees_its_bill_lines(site, approved_bill, accountant):
    _deliver()
    _bill, (first, _second), (_freight, _duty, insurance) = approved_bill
    holder = LandedCostCharge.objects.get(bill_line_id=insurance.pk).landed_cost
    perform_transition(holder, "cancel", actor=accountant, reason="wrong receipts")

    again = create_landed_cost(
        receipt_ids=[first.pk],
        charges=[ChargeInput(kind="insurance", split_method="by_value", bill_line_id=insurance.pk)],
        actor=SYSTEM,
    )

    assert again.charges.get().amount == Decimal("5.0000")
