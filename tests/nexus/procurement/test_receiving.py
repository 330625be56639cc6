"""Posting goods receipts: the stock and value they move, the order they follow, and refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent
from nexus.core.transitions import perform_transition
from nexus.inventory.models import CostLayer, MoveReason, StockAvailability, StockBalance, StockMove
from nexus.inventory.services import check_stock_ledger
from nexus.procurement.models import GoodsReceipt, GoodsReceiptStatus, PurchaseOrderStatus
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Tenant
from tests.factories.procurement import GoodsReceiptFactory

from .helpers import order_lines, overtaken_receipt, refreshed, sent_order, stock_snapshot

pytestmark = pytest.mark.django_db


def test_posting_moves_exactly_the_ordered_cost_into_stock_and_follows_the_order(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"), (site.oil, "20.5", "1.1"))
    bolt_line, oil_line = order_lines(order)
    received_at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    receipt = draft_receipt(
        order, quantities={bolt_line.pk: Decimal(6), oil_line.pk: Decimal("20.5")}, received_at=received_at
    )

    result = post_receipt(receipt, actor=clerk)

    posted = result.instance
    assert posted.status == GoodsReceiptStatus.POSTED
    assert posted.location_id == site.stock_a.pk  # the first stock location by code
    bolt_move, oil_move = result.output
    assert (bolt_move.reason, bolt_move.quantity, bolt_move.unit_cost, bolt_move.value) == (
        MoveReason.RECEIPT,
        Decimal("6.0000"),
        Decimal("4.250000"),
        Decimal("25.5000"),
    )
    assert (oil_move.quantity, oil_move.unit_cost, oil_move.value) == (
        Decimal("20.5000"),
        Decimal("1.100000"),
        Decimal("22.5500"),
    )
    assert (bolt_move.to_location_id, bolt_move.occurred_at) == (site.stock_a.pk, received_at)
    assert (bolt_move.document_type, bolt_move.document_id) == ("procurement.goodsreceipt", receipt.pk)
    bolt_pool = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
    assert (bolt_pool.on_hand, bolt_pool.on_hand_sellable, bolt_pool.value, bolt_pool.average_unit_cost) == (
        Decimal("6.0000"),
        Decimal("6.0000"),
        Decimal("25.5000"),
        Decimal("4.250000"),
    )
    layer = CostLayer.objects.get(receipt_move=bolt_move)
    assert (layer.quantity_in, layer.quantity_remaining, layer.unit_cost) == (
        Decimal("6.0000"),
        Decimal("6.0000"),
        Decimal("4.250000"),
    )
    lines = list(posted.lines.order_by("id"))
    assert [(line.unit_cost, line.stock_move_id) for line in lines] == [
        (Decimal("4.250000"), bolt_move.pk),
        (Decimal("1.100000"), oil_move.pk),
    ]
    assert [line.received_quantity for line in order_lines(order)] == [Decimal(6), Decimal("20.5")]
    assert refreshed(order).status == PurchaseOrderStatus.PARTIALLY_RECEIVED
    assert check_stock_ledger() == []


def test_the_receipt_event_carries_the_lines_moves_and_costs(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    receipt = draft_receipt(order, received_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))

    move = post_receipt(receipt, actor=clerk).output[0]

    event = OutboxEvent.objects.get(name="procurement.goods_received")
    line = receipt.lines.get()
    assert event.payload == {
        "receipt_id": receipt.pk,
        "number": receipt.number,
        "purchase_order_id": order.pk,
        "vendor_id": site.vendor.pk,
        "warehouse_id": site.warehouse.pk,
        "received_at": "2026-03-02T09:30:00+00:00",
        "lines": [
            {
                "receipt_line_id": line.pk,
                "purchase_order_line_id": line.purchase_order_line_id,
                "product_id": site.bolt.pk,
                "quantity": "10.0000",
                "unit_cost": "4.250000",
                "move_id": move.pk,
            }
        ],
        "schema_version": 1,
    }


def test_receiving_the_rest_makes_the_order_received(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(6)}), actor=clerk)

    post_receipt(draft_receipt(order), actor=clerk)

    assert refreshed(order).status == PurchaseOrderStatus.RECEIVED
    assert order_lines(order)[0].received_quantity == Decimal(10)
    assert StockBalance.objects.get(product=site.bolt, location=site.stock_a).on_hand == Decimal(10)
    assert check_stock_ledger() == []


def test_receipts_at_different_prices_average_the_cost_and_keep_a_layer_each(site, purchaser, clerk):
    first = sent_order(site, purchaser, (site.bolt, "10", "4.00"))
    second = sent_order(site, purchaser, (site.bolt, "30", "5.00"))

    post_receipt(draft_receipt(first), actor=clerk)
    post_receipt(draft_receipt(second), actor=clerk)

    # (10 x 4.00 + 30 x 5.00) / 40 = 190 / 40 = 4.75
    pool = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
    assert (pool.on_hand, pool.value, pool.average_unit_cost) == (
        Decimal("40.0000"),
        Decimal("190.0000"),
        Decimal("4.750000"),
    )
    assert list(CostLayer.objects.order_by("id").values_list("quantity_in", "unit_cost")) == [
        (Decimal("10.0000"), Decimal("4.000000")),
        (Decimal("30.0000"), Decimal("5.000000")),
    ]


def test_an_order_in_another_currency_is_valued_at_its_exchange_rate(site, purchaser, clerk):
    order = sent_order(
        site, purchaser, (site.bolt, "3", "4.00"), currency_id="EUR", exchange_rate=Decimal("1.1")
    )

    move = post_receipt(draft_receipt(order), actor=clerk).output[0]

    assert (move.unit_cost, move.value) == (Decimal("4.400000"), Decimal("13.2000"))


def test_a_named_location_of_the_warehouse_takes_the_goods(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "5", "2"))

    post_receipt(draft_receipt(order, location=site.hold), actor=clerk)

    pool = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
    assert (pool.on_hand, pool.on_hand_sellable) == (Decimal("5.0000"), Decimal("0.0000"))


def test_a_location_of_another_warehouse_is_refused_and_nothing_changes(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "5", "2"))
    receipt = draft_receipt(order, location=site.other_stock)
    before = stock_snapshot()

    with pytest.raises(InvalidInput, match="is not in the order's warehouse"):
        post_receipt(receipt, actor=clerk)

    assert stock_snapshot() == before


def test_over_receipt_is_refused_without_tolerance_and_changes_nothing(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)
    receipt = overtaken_receipt(order, line, first="6", then="5", by=clerk)
    before = stock_snapshot()

    with pytest.raises(Conflict) as refused:
        post_receipt(receipt, actor=clerk)

    assert refused.value.code == "over_receipt"
    assert refused.value.detail == (
        f"cannot post: BOLT-10 on {order} would be received 11 pcs in all, but 10 pcs were ordered "
        "(6 already received) and the over-receipt tolerance of 0% allows at most 10 pcs."
    )
    assert stock_snapshot() == before
    assert refreshed(receipt).status == GoodsReceiptStatus.DRAFT


@pytest.mark.parametrize(("receiving", "allowed"), [("11", True), ("12", False)])
def test_the_tenant_tolerance_admits_that_much_more_and_no_more(site, purchaser, clerk, receiving, allowed):
    Tenant.objects.filter(pk=site.tenant.pk).update(policies={"over_receipt_tolerance_percent": 10})
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    (line,) = order_lines(order)

    if allowed:
        post_receipt(draft_receipt(order, quantities={line.pk: Decimal(receiving)}), actor=clerk)
        assert refreshed(order).status == PurchaseOrderStatus.RECEIVED
        assert order_lines(order)[0].received_quantity == Decimal(11)
    else:
        with pytest.raises(InvalidInput, match="tolerance of 10% allows at most 11 pcs"):
            draft_receipt(order, quantities={line.pk: Decimal(receiving)})
        assert not GoodsReceipt.objects.exists()


def test_tolerance_counts_what_earlier_receipts_brought(site, purchaser, clerk):
    Tenant.objects.filter(pk=site.tenant.pk).update(policies={"over_receipt_tolerance_percent": 5})
    order = sent_order(site, purchaser, (site.bolt, "20", "1"))
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(15)}), actor=clerk)

    with pytest.raises(InvalidInput) as refused:
        draft_receipt(order, quantities={line.pk: Decimal(7)})
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(6)}), actor=clerk)

    assert "received 22 pcs in all" in refused.value.detail
    assert "(15 already received)" in refused.value.detail
    assert order_lines(order)[0].received_quantity == Decimal(21)
    assert refreshed(order).status == PurchaseOrderStatus.RECEIVED
    with pytest.raises(TransitionNotAllowed, match="is received"):
        draft_receipt(order, quantities={line.pk: Decimal(1)})


@pytest.mark.parametrize(
    ("transition", "reason", "state"),
    [("cancel", "vendor went bust", "cancelled"), ("close", "", "closed")],
)
def test_receiving_against_a_cancelled_or_closed_order_is_refused(
    site, purchaser, clerk, transition, reason, state
):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"), (site.oil, "1", "1"))
    bolt, oil = order_lines(order)
    receipt = draft_receipt(order, quantities={bolt.pk: Decimal(2)})
    if transition == "close":
        post_receipt(draft_receipt(order, quantities={oil.pk: Decimal(1)}), actor=clerk)
    perform_transition(order, transition, actor=purchaser, reason=reason)
    before = stock_snapshot()

    with pytest.raises(TransitionNotAllowed) as refused:
        post_receipt(receipt, actor=clerk)

    assert refused.value.detail == (
        f"cannot post: {order} is {state}; goods are received only against sent or partially received orders"
    )
    assert stock_snapshot() == before


def test_a_draft_order_takes_no_receipt(site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "1", "1"))
    receipt_for_draft = GoodsReceiptFactory.create(purchase_order=order)
    perform_transition(order, "cancel", actor=purchaser, reason="typo")

    with pytest.raises(TransitionNotAllowed, match="receipt has no lines"):
        post_receipt(receipt_for_draft, actor=purchaser)


def test_an_empty_receipt_is_refused(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "1", "1"))
    receipt = GoodsReceiptFactory.create(purchase_order=order)

    with pytest.raises(TransitionNotAllowed, match="cannot post: the receipt has no lines"):
        post_receipt(receipt, actor=clerk)


def test_a_posted_receipt_cannot_be_posted_again(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "1"))
    receipt = draft_receipt(order)
    post_receipt(receipt, actor=clerk)
    before = stock_snapshot()

    with pytest.raises(TransitionNotAllowed, match="the goods receipt is posted"):
        post_receipt(receipt, actor=clerk)

    assert stock_snapshot() == before


def test_the_same_idempotency_key_posts_once(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "1"))
    receipt = draft_receipt(order)

    first = post_receipt(receipt, actor=clerk, idempotency_key="k-1")
    again = post_receipt(receipt, actor=clerk, idempotency_key="k-1")

    assert again.replayed
    assert again.log.pk == first.log.pk
    assert StockMove.objects.count() == 1


def test_a_viewer_may_not_post(site, purchaser, viewer):
    order = sent_order(site, purchaser, (site.bolt, "10", "1"))
    receipt = draft_receipt(order)
    before = stock_snapshot()

    with pytest.raises(PermissionDenied):
        post_receipt(receipt, actor=viewer)

    assert stock_snapshot() == before


def test_an_inactive_product_is_refused_with_its_reason(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "1"))
    receipt = draft_receipt(order)
    type(site.bolt).objects.filter(pk=site.bolt.pk).update(active=False)
    before = stock_snapshot()

    with pytest.raises(InvalidInput, match="BOLT-10 is inactive"):
        post_receipt(receipt, actor=clerk)

    assert stock_snapshot() == before


def test_drafting_a_receipt_for_an_unknown_line_is_refused(site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "1"))

    with pytest.raises(InvalidInput, match="is not a line of"):
        draft_receipt(order, quantities={999999: Decimal(1)})
