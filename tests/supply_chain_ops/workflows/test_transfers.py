"""Transfer orders: reserving at approval, shipping into transit, receipts, write-off, cancelling."""

from decimal import Decimal

import pytest

from nexus.core.errors import (
    Conflict,
    IdempotencyMismatch,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from nexus.core.models import OutboxEvent
from nexus.inventory.models import (
    MoveReason,
    Reservation,
    ReservationState,
    StockAvailability,
    StockBalance,
    StockMove,
)
from nexus.inventory.services import check_stock_ledger
from supply_chain_ops.models import TransferOrder, TransferOrderStatus
from supply_chain_ops.workflows import transfers
from tests.supply_chain_ops.transfer_site import (
    EXPECTED,
    SHIP_DATE,
    TransferSite,
    draft,
    line_figures,
    transfer_site,
)

pytestmark = pytest.mark.django_db
__all__ = ["transfer_site"]


def pool(site: TransferSite, product_id: int, warehouse_id: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    row = StockAvailability.objects.get(product_id=product_id, warehouse_id=warehouse_id)
    return row.on_hand, row.on_hand_sellable, row.reserved, row.value


def on_hand(location_id: int, product_id: int) -> Decimal:
    row = StockBalance.objects.filter(location_id=location_id, product_id=product_id).first()
    return row.on_hand if row else Decimal(0)


def test_a_draft_numbers_the_transfer_and_snapshots_its_lines(transfer_site):
    order = draft(transfer_site, (transfer_site.bolt, "30"), (transfer_site.oil, "10.25"))

    assert order.number.startswith("TO-")
    assert (order.status, order.ship_date, order.expected_date) == (
        TransferOrderStatus.DRAFT,
        SHIP_DATE,
        EXPECTED,
    )
    assert [(line.sku, line.unit, line.quantity) for line in order.lines.order_by("id")] == [
        ("BOLT-10", "pcs", Decimal("30.0000")),
        ("OIL-5", "l", Decimal("10.2500")),
    ]
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"destination_warehouse_id": "same"}, "destination_warehouse"),
        ({"lines": [("bolt", "1.5")]}, "lines"),
        ({"lines": [("bolt", "0")]}, "lines"),
        ({"lines": []}, "lines"),
        ({"expected_date": SHIP_DATE.replace(day=1)}, "expected_date"),
    ],
)
def test_a_bad_draft_is_refused_and_creates_nothing(transfer_site, change, field):
    site = transfer_site
    arguments = {
        "source_warehouse_id": site.berlin.pk,
        "destination_warehouse_id": site.hamburg.pk,
        "ship_date": SHIP_DATE,
        "expected_date": EXPECTED,
        "lines": [(site.bolt.pk, Decimal(1))],
        "actor": site.planner,
    }
    if change.get("destination_warehouse_id") == "same":
        change = {"destination_warehouse_id": site.berlin.pk}
    if "lines" in change:
        change = {"lines": [(site.bolt.pk, Decimal(q)) for _, q in change["lines"]]}
    arguments.update(change)

    with pytest.raises(InvalidInput) as refused:
        transfers.draft_transfer(**arguments)

    assert list(refused.value.fields) == [field]
    assert not TransferOrder.objects.exists()


def test_approval_reserves_the_quantities_at_the_source(transfer_site):
    site = transfer_site
    order = draft(site, (site.bolt, "30"), (site.oil, "10.25"))

    approved = transfers.approve(order, actor=site.planner)

    assert approved.status == TransferOrderStatus.APPROVED
    reservations = list(Reservation.objects.order_by("id"))
    assert [
        (r.product_id, r.warehouse_id, r.quantity, r.required_date, r.source_type, r.state)
        for r in reservations
    ] == [
        (
            site.bolt.pk,
            site.berlin.pk,
            Decimal("30.0000"),
            SHIP_DATE,
            "supply_chain_ops.transferorderline",
            "held",
        ),
        (
            site.oil.pk,
            site.berlin.pk,
            Decimal("10.2500"),
            SHIP_DATE,
            "supply_chain_ops.transferorderline",
            "held",
        ),
    ]
    assert [r.source_id for r in reservations] == list(
        order.lines.order_by("id").values_list("pk", flat=True)
    )
    assert pool(site, site.bolt.pk, site.berlin.pk)[2] == Decimal("30.0000")
    assert OutboxEvent.objects.filter(name="supply_chain.transfer_approved").count() == 1
    assert check_stock_ledger() == []


def test_approval_without_enough_free_stock_is_refused_and_reserves_nothing(transfer_site):
    site = transfer_site
    order = draft(site, (site.bolt, "30"), (site.oil, "60"))

    with pytest.raises(Conflict) as refused:
        transfers.approve(order, actor=site.planner)

    assert refused.value.code == "insufficient_stock"
    assert TransferOrder.objects.get(pk=order.pk).status == TransferOrderStatus.DRAFT
    assert not Reservation.objects.exists()
    assert pool(site, site.bolt.pk, site.berlin.pk)[2] == Decimal("0.0000")


def test_shipping_consumes_the_reservation_and_moves_the_goods_into_transit(transfer_site):
    site = transfer_site
    order = transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner)

    shipped = transfers.ship(order, actor=site.clerk)

    assert shipped.status == TransferOrderStatus.SHIPPED
    assert Reservation.objects.get().state == ReservationState.CONSUMED
    move = StockMove.objects.get(reason=MoveReason.TRANSFER_OUT)
    assert (move.from_location_id, move.to_location_id, move.quantity) == (
        site.berlin_stock.pk,
        site.berlin_transit.pk,
        Decimal("30.0000"),
    )
    assert (move.document_type, move.document_id) == ("supply_chain_ops.transferorder", order.pk)
    # Still in Berlin's pool (and value), no longer sellable or reserved there.
    assert pool(site, site.bolt.pk, site.berlin.pk) == (
        Decimal("100.0000"),
        Decimal("70.0000"),
        Decimal("0.0000"),
        Decimal("200.0000"),
    )
    assert on_hand(site.berlin_transit.pk, site.bolt.pk) == Decimal("30.0000")
    assert line_figures(shipped) == [("BOLT-10", Decimal("30.0000"), Decimal(0), Decimal(0))]
    assert check_stock_ledger() == []


def test_receipts_move_goods_from_transit_into_the_destination_in_several_parts(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30"), (site.oil, "10.25")), actor=site.planner),
        actor=site.clerk,
    )
    bolt_line, oil_line = order.lines.order_by("id")

    first = transfers.receive(order, {bolt_line.pk: "12"}, actor=site.clerk).instance

    assert first.status == TransferOrderStatus.PARTIALLY_RECEIVED
    assert on_hand(site.berlin_transit.pk, site.bolt.pk) == Decimal("18.0000")
    assert on_hand(site.hamburg_stock.pk, site.bolt.pk) == Decimal("12.0000")
    # The goods keep their cost across: 12 at Berlin's average of 2.00.
    assert pool(site, site.bolt.pk, site.hamburg.pk) == (
        Decimal("12.0000"),
        Decimal("12.0000"),
        Decimal("0.0000"),
        Decimal("24.0000"),
    )
    assert check_stock_ledger() == []

    second = transfers.receive(first, {bolt_line.pk: "18", oil_line.pk: "10.25"}, actor=site.clerk).instance

    assert second.status == TransferOrderStatus.RECEIVED
    assert line_figures(second) == [
        ("BOLT-10", Decimal("30.0000"), Decimal("30.0000"), Decimal(0)),
        ("OIL-5", Decimal("10.2500"), Decimal("10.2500"), Decimal(0)),
    ]
    assert on_hand(site.berlin_transit.pk, site.bolt.pk) == Decimal("0")
    assert list(
        StockMove.objects.filter(reason=MoveReason.TRANSFER_IN)
        .values_list("quantity", flat=True)
        .order_by("id")
    ) == [
        Decimal("12.0000"),
        Decimal("18.0000"),
        Decimal("10.2500"),
    ]
    assert OutboxEvent.objects.filter(name="supply_chain.transfer_received").count() == 2
    assert check_stock_ledger() == []


def test_receiving_more_than_is_in_transit_is_refused_and_changes_nothing(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner), actor=site.clerk
    )
    line = order.lines.get()
    order = transfers.receive(order, {line.pk: "20"}, actor=site.clerk).instance
    moves_before = StockMove.objects.count()

    with pytest.raises(Conflict) as refused:
        transfers.receive(order, {line.pk: "11"}, actor=site.clerk)

    assert refused.value.code == "over_receipt"
    assert str(refused.value) == (
        f"Cannot receive 11 pcs of BOLT-10 on {order.number}: only 10 pcs are in transit "
        "(30 shipped, 20 received)."
    )
    assert StockMove.objects.count() == moves_before
    assert line_figures(TransferOrder.objects.get(pk=order.pk)) == [
        ("BOLT-10", Decimal("30.0000"), Decimal("20.0000"), Decimal(0))
    ]
    assert check_stock_ledger() == []


def test_closing_writes_off_what_never_arrived_with_a_reason(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner), actor=site.clerk
    )
    order = transfers.receive(order, {order.lines.get().pk: "27"}, actor=site.clerk).instance

    with pytest.raises(InvalidInput) as refused:
        transfers.close(order, actor=site.clerk)
    assert list(refused.value.fields) == ["reason"]
    assert TransferOrder.objects.get(pk=order.pk).status == TransferOrderStatus.PARTIALLY_RECEIVED

    closed = transfers.close(order, actor=site.clerk, reason="3 broken in the truck")

    assert (closed.status, closed.write_off_reason) == (TransferOrderStatus.CLOSED, "3 broken in the truck")
    assert line_figures(closed) == [("BOLT-10", Decimal("30.0000"), Decimal("27.0000"), Decimal("3.0000"))]
    write_off = StockMove.objects.get(reason=MoveReason.ADJUSTMENT)
    assert (write_off.from_location_id, write_off.to_location_id, write_off.quantity, write_off.value) == (
        site.berlin_transit.pk,
        None,
        Decimal("3.0000"),
        Decimal("6.0000"),
    )
    assert on_hand(site.berlin_transit.pk, site.bolt.pk) == Decimal("0")
    assert pool(site, site.bolt.pk, site.berlin.pk) == (
        Decimal("70.0000"),
        Decimal("70.0000"),
        Decimal("0.0000"),
        Decimal("140.0000"),
    )
    assert check_stock_ledger() == []


def test_a_fully_received_transfer_closes_without_a_reason(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "5")), actor=site.planner), actor=site.clerk
    )
    order = transfers.receive(order, actor=site.clerk).instance

    closed = transfers.close(order, actor=site.clerk)

    assert closed.status == TransferOrderStatus.CLOSED
    assert not StockMove.objects.filter(reason=MoveReason.ADJUSTMENT).exists()


def test_cancelling_an_approved_transfer_releases_its_reservations(transfer_site):
    site = transfer_site
    order = transfers.approve(draft(site, (site.bolt, "30"), (site.oil, "10")), actor=site.planner)

    cancelled = transfers.cancel(order, actor=site.planner, reason="Hamburg has enough")

    assert cancelled.status == TransferOrderStatus.CANCELLED
    assert set(Reservation.objects.values_list("state", flat=True)) == {ReservationState.RELEASED}
    assert pool(site, site.bolt.pk, site.berlin.pk)[2] == Decimal("0.0000")
    assert pool(site, site.oil.pk, site.berlin.pk)[2] == Decimal("0.0000")
    assert OutboxEvent.objects.filter(name="supply_chain.transfer_cancelled").count() == 1
    assert check_stock_ledger() == []


def test_a_shipped_transfer_cannot_be_cancelled(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner), actor=site.clerk
    )

    with pytest.raises(TransitionNotAllowed):
        transfers.cancel(order, actor=site.planner, reason="too late")

    assert TransferOrder.objects.get(pk=order.pk).status == TransferOrderStatus.SHIPPED


def test_the_warehouse_ships_but_does_not_approve(transfer_site):
    site = transfer_site
    order = draft(site, (site.bolt, "30"))

    with pytest.raises(PermissionDenied):
        transfers.approve(order, actor=site.clerk)

    assert TransferOrder.objects.get(pk=order.pk).status == TransferOrderStatus.DRAFT
    assert not Reservation.objects.exists()


def test_a_receipt_repeated_with_its_idempotency_key_receives_once(transfer_site):
    site = transfer_site
    order = transfers.ship(
        transfers.approve(draft(site, (site.bolt, "30")), actor=site.planner), actor=site.clerk
    )
    line = order.lines.get()

    first = transfers.receive(order, {line.pk: "10"}, actor=site.clerk, idempotency_key="r-1")
    again = transfers.receive(order, {line.pk: "10"}, actor=site.clerk, idempotency_key="r-1")

    assert (first.replayed, again.replayed) == (False, True)
    assert StockMove.objects.filter(reason=MoveReason.TRANSFER_IN).count() == 1
    assert line_figures(TransferOrder.objects.get(pk=order.pk)) == [
        ("BOLT-10", Decimal("30.0000"), Decimal("10.0000"), Decimal(0))
    ]
    with pytest.raises(IdempotencyMismatch):
        transfers.receive(order, {line.pk: "11"}, actor=site.clerk, idempotency_key="r-1")


def test_receiving_an_unknown_transfer_is_not_found(transfer_site):
    with pytest.raises(NotFound):
        transfers.receive(987654, actor=transfer_site.clerk)


def test_the_ledger_stays_clean_at_every_step_of_a_transfer(transfer_site):
    site = transfer_site
    order = draft(site, (site.bolt, "30"), (site.oil, "10.25"))
    bolt_line, oil_line = order.lines.order_by("id")
    ham = site.hamburg.pk

    steps = [
        ("approved", lambda o: transfers.approve(o, actor=site.planner)),
        ("shipped", lambda o: transfers.ship(o, actor=site.clerk)),
        ("first receipt", lambda o: transfers.receive(o, {bolt_line.pk: "12"}, actor=site.clerk).instance),
        (
            "second receipt",
            lambda o: transfers.receive(
                o, {bolt_line.pk: "15", oil_line.pk: "10"}, actor=site.clerk
            ).instance,
        ),
        ("closed", lambda o: transfers.close(o, actor=site.clerk, reason="3 bolts and 0.25 l lost")),
    ]
    seen = []
    for name, step in steps:
        order = step(order)
        seen.append((name, order.status, check_stock_ledger()))

    assert seen == [
        ("approved", TransferOrderStatus.APPROVED, []),
        ("shipped", TransferOrderStatus.SHIPPED, []),
        ("first receipt", TransferOrderStatus.PARTIALLY_RECEIVED, []),
        ("second receipt", TransferOrderStatus.PARTIALLY_RECEIVED, []),
        ("closed", TransferOrderStatus.CLOSED, []),
    ]
    assert pool(site, site.bolt.pk, ham)[:2] == (Decimal("27.0000"), Decimal("27.0000"))
    assert pool(site, site.oil.pk, ham)[:2] == (Decimal("10.0000"), Decimal("10.0000"))
    assert on_hand(site.berlin_transit.pk, site.bolt.pk) == Decimal(0)
    assert on_hand(site.berlin_transit.pk, site.oil.pk) == Decimal(0)
