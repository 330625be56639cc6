"""RMAs from draft to closed: returnable quantities, window, receipts, dispositions, resolution."""

from decimal import Decimal

import pytest

from nexus.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import AuditEvent, OutboxEvent, TransitionLog
from nexus.inventory.models import StockBalance, StockMove
from nexus.notifications.models import Notification
from nexus.procurement.models import VendorReturn
from nexus.receivable.models import CreditNote
from nexus.receivable.services import credit_note_total
from nexus.sales.models import SalesOrder, Shipment
from supply_chain_ops.models import Rma, RmaInspection, RmaLine, RmaStatus
from supply_chain_ops.workflows import rmas
from supply_chain_ops.workflows.rmas import InspectionInput
from tests.supply_chain_ops.rma_site import (
    RmaSite,
    approved_rma,
    days_ago,
    draft_rma,
    make_rma_site,
    received_rma,
    rma_site,
)

__all__ = ["rma_site"]

pytestmark = pytest.mark.django_db


def on_hand(site: RmaSite, location) -> tuple[Decimal, Decimal]:
    row = StockBalance.objects.filter(product=site.bolt, location=location).first()
    return (row.on_hand, row.value) if row else (Decimal(0), Decimal(0))


def figures(rma: Rma) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (
            line.sku,
            line.requested_quantity,
            line.approved_quantity,
            line.received_quantity,
            line.inspected_quantity,
        )
        for line in RmaLine.objects.filter(rma=rma).order_by("id")
    ]


def snapshot() -> dict[str, object]:
    return {
        "rmas": list(Rma.objects.order_by("id").values_list("id", "status")),
        "lines": list(
            RmaLine.objects.order_by("id").values_list("id", "approved_quantity", "received_quantity")
        ),
        "moves": StockMove.objects.count(),
        "logs": TransitionLog.objects.count(),
    }


def test_a_draft_snapshots_the_price_charged_and_the_cost_shipped(rma_site):
    rma = draft_rma(rma_site, (rma_site.bolt_line, "4"), (rma_site.pump_line, "1"))

    assert rma.number == f"RMA-{rma.created_at.year}-000001"
    assert rma.status == RmaStatus.DRAFT
    assert (rma.customer_id, rma.warehouse_id, rma.currency, rma.order_number) == (
        rma_site.customer.pk,
        rma_site.warehouse.pk,
        "USD",
        rma_site.order.number,
    )
    assert [
        (line.sku, line.unit_price, line.unit_cost, line.requested_quantity)
        for line in rma.lines.order_by("id")
    ] == [
        ("BOLT-10", Decimal("22.500000"), Decimal("2.000000"), Decimal("4.0000")),
        ("PUMP-1", Decimal("120.000000"), Decimal("40.000000"), Decimal("1.0000")),
    ]
    assert AuditEvent.objects.filter(action="supply_chain.rma_drafted").count() == 1


def test_over_return_across_two_rmas_is_refused_and_says_why(rma_site):
    first = rmas.submit(draft_rma(rma_site, (rma_site.bolt_line, "7")), actor=rma_site.clerk)
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        draft_rma(rma_site, (rma_site.bolt_line, "5"))

    assert refused.value.code == "over_return"
    assert str(refused.value.detail) == (
        "cannot create the RMA: line 1 (BOLT-10) asks for 5 but 10 pcs were shipped "
        f"and 7 is already on {first.number}"
    )
    assert snapshot() == before


def test_two_drafts_claim_nothing_until_submitted_then_the_second_is_refused(rma_site):
    first = draft_rma(rma_site, (rma_site.bolt_line, "7"))
    second = draft_rma(rma_site, (rma_site.pump_line, "1"), (rma_site.bolt_line, "5"))
    rmas.submit(first, actor=rma_site.clerk)
    before = snapshot()

    with pytest.raises(Conflict) as refused:
        rmas.submit(second, actor=rma_site.clerk)

    assert str(refused.value.detail) == (
        "cannot submit: line 2 (BOLT-10) asks for 5 but 10 pcs were shipped "
        f"and 7 is already on {first.number}"
    )
    assert snapshot() == before
    # Cancelling the first frees its quantities.
    rmas.cancel(first, actor=rma_site.clerk, reason="customer kept them")
    assert rmas.submit(second, actor=rma_site.clerk).status == RmaStatus.SUBMITTED


def test_the_return_window_needs_an_override_reason_and_the_permission(rma_site):
    Shipment.objects.filter(sales_order=rma_site.order).update(shipped_at=days_ago(45))
    late = draft_rma(rma_site, (rma_site.pump_line, "1"))

    with pytest.raises(Conflict) as refused:
        rmas.submit(late, actor=rma_site.clerk)
    assert refused.value.code == "return_window"
    assert "PUMP-1 shipped 45 days ago, past the 30-day return window" in str(refused.value.detail)

    overridden = draft_rma(rma_site, (rma_site.bolt_line, "1"), window_override_reason="Loyal customer")
    with pytest.raises(PermissionDenied):
        rmas.submit(overridden, actor=rma_site.clerk)
    assert rmas.submit(overridden, actor=rma_site.manager).status == RmaStatus.SUBMITTED


def test_approval_approves_the_requested_quantities_and_tells_the_customer(rma_site, run_on_commit):
    with run_on_commit():
        rma = approved_rma(rma_site, (rma_site.bolt_line, "4"))

    rma = Rma.objects.get(pk=rma.pk)
    assert rma.status == RmaStatus.AWAITING_RECEIPT  # the listener on supply_chain.rma_approved
    assert figures(rma) == [("BOLT-10", Decimal(4), Decimal(4), Decimal(0), Decimal(0))]
    notice = Notification.objects.get(template="return_authorised")
    assert (notice.email_address, notice.context["rma_number"]) == ("returns@kunde.example", rma.number)
    assert OutboxEvent.objects.filter(name="supply_chain.rma_approved").count() == 1
    assert list(
        TransitionLog.objects.filter(object_type="supply_chain_ops.rma", object_id=str(rma.pk))
        .order_by("id")
        .values_list("transition", flat=True)
    ) == ["submit", "approve", "await_receipt"]


def test_rejection_needs_a_reason_and_tells_the_customer(rma_site):
    rma = rmas.submit(draft_rma(rma_site, (rma_site.bolt_line, "4")), actor=rma_site.clerk)

    with pytest.raises(InvalidInput):
        rmas.reject(rma, actor=rma_site.manager, reason=" ")
    rejected = rmas.reject(rma, actor=rma_site.manager, reason="Outside warranty")

    assert rejected.status == RmaStatus.REJECTED
    assert Notification.objects.get(template="return_rejected").context["reason"] == "Outside warranty"
    # A rejected RMA claims nothing.
    assert rmas.returnable([rma_site.bolt_line.pk])[rma_site.bolt_line.pk].quantity == Decimal(10)


def test_a_sales_clerk_cannot_approve(rma_site):
    rma = rmas.submit(draft_rma(rma_site, (rma_site.bolt_line, "4")), actor=rma_site.clerk)

    with pytest.raises(PermissionDenied):
        rmas.approve(rma, actor=rma_site.clerk)


def test_partial_receipt_then_the_rest_lands_in_quality_hold_at_the_shipped_cost(rma_site):
    rma = approved_rma(rma_site, (rma_site.bolt_line, "4"), (rma_site.pump_line, "1"))
    bolt = rma.lines.order_by("id")[0]

    part = rmas.receive(rma, {bolt.pk: "3"}, actor=rma_site.warehouse_clerk).instance
    assert part.status == RmaStatus.PARTIALLY_RECEIVED
    assert on_hand(rma_site, rma_site.hold) == (Decimal(3), Decimal("6.0000"))
    assert on_hand(rma_site, rma_site.stock)[0] == Decimal(90)  # not sellable stock

    with pytest.raises(Conflict) as refused:
        rmas.receive(rma, {bolt.pk: "2"}, actor=rma_site.warehouse_clerk)
    assert refused.value.code == "over_receipt"

    rest = rmas.receive(rma, actor=rma_site.warehouse_clerk).instance
    assert rest.status == RmaStatus.RECEIVED
    assert figures(rest) == [
        ("BOLT-10", Decimal(4), Decimal(4), Decimal(4), Decimal(0)),
        ("PUMP-1", Decimal(1), Decimal(1), Decimal(1), Decimal(0)),
    ]
    assert list(rest.receipts.order_by("id").values_list("line__sku", "quantity", "value")) == [
        ("BOLT-10", Decimal(3), Decimal("6.0000")),
        ("BOLT-10", Decimal(1), Decimal("2.0000")),
        ("PUMP-1", Decimal(1), Decimal("40.0000")),
    ]
    assert Notification.objects.filter(template="return_received").count() == 2
    with pytest.raises(TransitionNotAllowed):
        rmas.cancel(rest, actor=rma_site.clerk, reason="too late")


def test_a_receipt_repeated_with_its_key_is_received_once(rma_site):
    rma = approved_rma(rma_site, (rma_site.bolt_line, "4"))
    line = rma.lines.get()

    first = rmas.receive(rma, {line.pk: "2"}, actor=rma_site.warehouse_clerk, idempotency_key="r-1")
    again = rmas.receive(rma, {line.pk: "2"}, actor=rma_site.warehouse_clerk, idempotency_key="r-1")

    assert (first.replayed, again.replayed) == (False, True)
    assert on_hand(rma_site, rma_site.hold) == (Decimal(2), Decimal("4.0000"))


def test_every_disposition_makes_its_ledger_moves(rma_site):
    rma = received_rma(rma_site, (rma_site.bolt_line, "5"))
    line = rma.lines.get()
    stock_before = on_hand(rma_site, rma_site.stock)

    inspected = rmas.inspect(
        rma,
        [
            InspectionInput(line.pk, "2", "restock"),
            InspectionInput(line.pk, "1", "scrap", defective=True, note="cracked"),
            InspectionInput(line.pk, "1", "repair", defective=True),
            InspectionInput(line.pk, "1", "return_to_vendor", defective=True, vendor_id=rma_site.vendor.pk),
        ],
        actor=rma_site.warehouse_clerk,
    )

    assert inspected.status == RmaStatus.INSPECTED
    assert on_hand(rma_site, rma_site.hold) == (Decimal(0), Decimal(0))
    assert on_hand(rma_site, rma_site.stock) == (stock_before[0] + 2, stock_before[1] + Decimal("4.0000"))
    assert on_hand(rma_site, rma_site.repair) == (Decimal(1), Decimal("2.0000"))
    moves = StockMove.objects.filter(document_type="supply_chain_ops.rma", document_id=rma.pk).order_by("id")
    assert [(m.reason, m.quantity, m.value, m.document_line_id) for m in moves] == [
        ("return", Decimal(5), Decimal("10.0000"), line.pk),
        ("transfer_out", Decimal(1), Decimal("2.0000"), line.pk),  # repair
        ("transfer_out", Decimal(2), Decimal("4.0000"), line.pk),  # restock
        ("scrap", Decimal(1), Decimal("2.0000"), line.pk),
    ]
    vendor_return = VendorReturn.objects.get()
    assert (vendor_return.vendor_id, vendor_return.reference, vendor_return.location_id) == (
        rma_site.vendor.pk,
        rma.number,
        rma_site.hold.pk,
    )
    assert list(vendor_return.lines.values_list("quantity", "cost_value", "stock_move__reason")) == [
        (Decimal(1), Decimal("2.0000"), "issue")
    ]
    assert sorted(
        RmaInspection.objects.filter(rma=rma).values_list(
            "disposition", "quantity", "value", "vendor_return_number"
        )
    ) == [
        ("repair", Decimal(1), Decimal("2.0000"), ""),
        ("restock", Decimal(2), Decimal("4.0000"), ""),
        ("return_to_vendor", Decimal(1), Decimal("2.0000"), vendor_return.number),
        ("scrap", Decimal(1), Decimal("2.0000"), ""),
    ]

    repair = RmaInspection.objects.get(rma=rma, disposition="repair")
    rmas.complete_repair(rma, {repair.pk: "1"}, actor=rma_site.warehouse_clerk)
    assert on_hand(rma_site, rma_site.repair) == (Decimal(0), Decimal(0))
    assert on_hand(rma_site, rma_site.stock) == (stock_before[0] + 3, stock_before[1] + Decimal("6.0000"))
    with pytest.raises(Conflict):
        rmas.complete_repair(rma, {repair.pk: "1"}, actor=rma_site.warehouse_clerk)


def test_an_inspection_must_account_for_everything_received(rma_site):
    rma = received_rma(rma_site, (rma_site.bolt_line, "5"))
    line = rma.lines.get()
    before = snapshot()

    with pytest.raises(InvalidInput) as refused:
        rmas.inspect(rma, [InspectionInput(line.pk, "4", "restock")], actor=rma_site.warehouse_clerk)

    assert "5 pcs received and not yet inspected, but the dispositions account for 4" in str(
        refused.value.detail
    )
    assert snapshot() == before


def inspected_refund(site: RmaSite, quantity: str, *, defective: bool = False) -> Rma:
    rma = received_rma(site, (site.bolt_line, quantity))
    line = rma.lines.get()
    return rmas.inspect(
        rma, [InspectionInput(line.pk, quantity, "restock", defective=defective)], actor=site.warehouse_clerk
    )


def test_a_refund_is_priced_from_the_discounted_line_less_the_restocking_fee(rma_site):
    rma = inspected_refund(rma_site, "4")

    resolved = rmas.resolve(rma, actor=rma_site.accountant)

    assert resolved.status == RmaStatus.RESOLVED
    note = CreditNote.objects.get(pk=resolved.credit_note_id)
    assert list(note.lines.values_list("sales_order_line_id", "quantity", "unit_price")) == [
        (rma_site.bolt_line.pk, Decimal(4), Decimal("22.500000"))
    ]
    # 4 x 22.50 = 90.00; 15 % restocking fee = 13.50.
    assert (note.restocking_fee, credit_note_total(note)) == (Decimal("13.5000"), Decimal("76.50"))
    assert resolved.restocking_fee == Decimal("13.5000")
    assert note.reason == f"Return {rma.number}"
    assert Notification.objects.filter(template="return_resolved").count() == 1


def test_defective_goods_pay_no_restocking_fee(rma_site):
    rma = inspected_refund(rma_site, "4", defective=True)

    note = CreditNote.objects.get(pk=rmas.resolve(rma, actor=rma_site.accountant).credit_note_id)

    assert credit_note_total(note) == Decimal("90.00")


@pytest.mark.parametrize(
    ("quantity", "total", "fee"), [("3", Decimal(58), Decimal(10)), ("1", Decimal(19), Decimal(3))]
)
def test_a_refund_in_a_currency_without_minor_units(db, quantity, total, fee):
    from nexus.core import scope

    site = make_rma_site("yen", currency="JPY")
    with scope.tenant(site.tenant):
        rma = inspected_refund(site, quantity)
        note = CreditNote.objects.get(pk=rmas.resolve(rma, actor=site.accountant).credit_note_id)

        # 3 x 22.5 = 67.5 -> 68 JPY, fee 10.2 -> 10; 1 x 22.5 -> 22, fee 3.3 -> 3, total 19 (half-even).
        assert (note.currency_id, note.restocking_fee, credit_note_total(note)) == ("JPY", fee, total)


def test_resolving_twice_never_makes_two_credit_notes(rma_site):
    rma = inspected_refund(rma_site, "2")

    first = rmas.resolve(rma, actor=rma_site.accountant, idempotency_key="resolve-1")
    replay = rmas.resolve(rma, actor=rma_site.accountant, idempotency_key="resolve-1")
    with pytest.raises(TransitionNotAllowed):
        rmas.resolve(rma, actor=rma_site.accountant)

    assert replay.credit_note_id == first.credit_note_id
    assert CreditNote.objects.count() == 1


def test_a_replacement_is_a_new_order_linked_both_ways(rma_site):
    rma = received_rma(rma_site, (rma_site.pump_line, "2"), resolution="replacement")
    line = rma.lines.get()
    rmas.inspect(
        rma, [InspectionInput(line.pk, "2", "scrap", defective=True)], actor=rma_site.warehouse_clerk
    )

    resolved = rmas.resolve(rma, actor=rma_site.accountant)
    closed = rmas.close(resolved, actor=rma_site.accountant)

    order = SalesOrder.objects.get(pk=resolved.replacement_order_id)
    assert (order.cause, order.customer_id, order.status) == (rma.number, rma_site.customer.pk, "draft")
    assert list(order.lines.values_list("product__sku", "quantity", "unit_price")) == [
        ("PUMP-1", Decimal(2), Decimal(0))
    ]
    assert resolved.credit_note_id is None
    assert closed.status == RmaStatus.CLOSED
    assert OutboxEvent.objects.filter(name__startswith="supply_chain.rma_").order_by("id").values_list(
        "name", flat=True
    )[::1] == [
        "supply_chain.rma_submitted",
        "supply_chain.rma_approved",
        "supply_chain.rma_received",
        "supply_chain.rma_inspected",
        "supply_chain.rma_resolved",
        "supply_chain.rma_closed",
    ]
