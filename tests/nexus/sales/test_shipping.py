"""Posting shipments: exactly the right stock and value leave, reservations are consumed, refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from nexus.inventory.models import (
    CostLayer,
    CostLayerConsumption,
    MoveReason,
    Reservation,
    ReservationState,
    StockAvailability,
    StockBalance,
    StockMove,
)
from nexus.inventory.services import check_stock_ledger
from nexus.sales.models import SalesOrderStatus, ShipmentStatus
from nexus.sales.services import cancel_order, confirm_order, draft_shipment, post_shipment
from tests.factories.sales import SalesOrderLineFactory, ShipmentFactory, ShipmentLineFactory

from .conftest import stock
from .helpers import draft_order, order_lines, refreshed, reserved, stock_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(site):
    """BOLT in BER1: 3 received at 2.00 into A-STOCK, then 5 at 4.00 into B-STOCK (8 worth 26.00)."""
    first = stock(site.stock_a, site.bolt, "3", "2.00")
    second = stock(site.stock_b, site.bolt, "5", "4.00")
    return first, second


def confirmed(site, seller, *lines):
    return confirm_order(draft_order(site, *lines), actor=seller).instance


def test_shipping_issues_from_the_stock_locations_at_the_average_and_consumes_fifo(
    site, seller, clerk, stocked
):
    order = confirmed(site, seller, (site.bolt, "6"))
    shipped_at = dt.datetime(2026, 6, 9, 14, 0, tzinfo=dt.UTC)
    shipment = draft_shipment(order, shipped_at=shipped_at, carrier="DHL", tracking_number="JD0001")

    result = post_shipment(shipment, actor=clerk)

    assert result.instance.status == ShipmentStatus.POSTED
    # Average 26 / 8 = 3.25: 3 from A-STOCK worth 26 x 3/8 = 9.75,
    # then 3 from B-STOCK worth 16.25 x 3/5 = 9.75.
    assert [(m.reason, m.from_location_id, m.quantity, m.value, m.occurred_at) for m in result.output] == [
        (MoveReason.SHIPMENT, site.stock_a.pk, Decimal("3.0000"), Decimal("9.7500"), shipped_at),
        (MoveReason.SHIPMENT, site.stock_b.pk, Decimal("3.0000"), Decimal("9.7500"), shipped_at),
    ]
    line = shipment.lines.get()
    assert {(m.document_type, m.document_id, m.document_line_id) for m in result.output} == {
        ("sales.shipment", shipment.pk, line.pk)
    }
    assert line.cost_value == Decimal("19.5000")
    pool = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
    assert (pool.on_hand, pool.on_hand_sellable, pool.reserved, pool.value, pool.average_unit_cost) == (
        Decimal("2.0000"),
        Decimal("2.0000"),
        Decimal("0.0000"),
        Decimal("6.5000"),
        Decimal("3.250000"),
    )
    assert list(
        StockBalance.objects.filter(product=site.bolt)
        .order_by("location__code")
        .values_list("on_hand", "value")
    ) == [
        (Decimal("0.0000"), Decimal("0.0000")),
        (Decimal("2.0000"), Decimal("6.5000")),
    ]
    # FIFO: the 3 at 2.00 go first, then 3 of the 5 at 4.00.
    assert list(CostLayer.objects.order_by("id").values_list("unit_cost", "quantity_remaining")) == [
        (Decimal("2.000000"), Decimal("0.0000")),
        (Decimal("4.000000"), Decimal("2.0000")),
    ]
    assert CostLayerConsumption.objects.filter(move__in=result.output).count() == 2
    assert list(Reservation.objects.values_list("state", "consumed_quantity")) == [
        (ReservationState.CONSUMED, Decimal("6.0000"))
    ]
    assert refreshed(order).status == SalesOrderStatus.SHIPPED
    assert order_lines(order)[0].shipped_quantity == Decimal(6)
    assert check_stock_ledger() == []


def test_a_partial_shipment_consumes_part_of_the_reservation(site, seller, clerk, stocked):
    order = confirmed(site, seller, (site.bolt, "6"))
    (line,) = order_lines(order)

    post_shipment(draft_shipment(order, quantities={line.pk: Decimal(2)}), actor=clerk)

    assert list(Reservation.objects.values_list("state", "consumed_quantity")) == [
        (ReservationState.HELD, Decimal("2.0000"))
    ]
    assert reserved(site.bolt, site.warehouse) == Decimal(4)
    assert refreshed(order).status == SalesOrderStatus.PARTIALLY_SHIPPED
    assert check_stock_ledger() == []


def test_a_line_reserved_short_ships_from_free_stock(site, seller, clerk):
    stock(site.stock_a, site.bolt, "2", "1")
    order = confirmed(site, seller, (site.bolt, "5"))
    stock(site.stock_a, site.bolt, "3", "1")

    post_shipment(draft_shipment(order), actor=clerk)

    assert refreshed(order).status == SalesOrderStatus.SHIPPED
    assert reserved(site.bolt, site.warehouse) == Decimal(0)
    assert check_stock_ledger() == []


def test_over_shipping_is_refused_and_changes_nothing(site, seller, clerk, stocked):
    order = confirmed(site, seller, (site.bolt, "6"))
    (line,) = order_lines(order)
    shipment = ShipmentFactory.create(sales_order=order, warehouse=site.warehouse)
    ShipmentLineFactory.create(shipment=shipment, sales_order_line=line, quantity=Decimal(7))
    before = stock_snapshot()

    with pytest.raises(Conflict) as refused:
        post_shipment(shipment, actor=clerk)

    assert refused.value.code == "over_shipment"
    assert (
        refused.value.detail
        == f"cannot post: BOLT-10 on {order} has 6 pcs left to ship, and this shipment ships 7 pcs."
    )
    assert stock_snapshot() == before


def test_stock_reserved_for_another_order_does_not_leave(site, seller, clerk):
    stock(site.stock_a, site.bolt, "5", "1")
    confirmed(site, seller, (site.bolt, "5"))
    late = confirmed(site, seller, (site.bolt, "1"))
    shipment = draft_shipment(late)
    before = stock_snapshot()

    with pytest.raises(Conflict) as refused:
        post_shipment(shipment, actor=clerk)

    assert refused.value.code == "stock_reserved"
    assert "5 sellable of which 5 reserved, so at most 0 can leave" in refused.value.detail
    assert stock_snapshot() == before


def test_shipping_more_than_the_stock_locations_hold_is_refused(site, seller, clerk):
    stock(site.stock_a, site.bolt, "2", "1")
    order = confirmed(site, seller, (site.bolt, "3"))
    shipment = draft_shipment(order)
    before = stock_snapshot()

    with pytest.raises(Conflict) as refused:
        post_shipment(shipment, actor=clerk)

    assert refused.value.code == "insufficient_stock"
    assert refused.value.detail == (
        "Cannot ship 3 pcs of BOLT-10: the stock locations of the warehouse hold only 2 pcs more "
        "for this shipment."
    )
    assert stock_snapshot() == before


def test_a_line_of_another_warehouse_is_refused(site, seller, clerk, stocked):
    order = confirmed(site, seller, (site.bolt, "1"))
    (line,) = order_lines(order)
    shipment = ShipmentFactory.create(sales_order=order, warehouse=site.other_warehouse)
    ShipmentLineFactory.create(shipment=shipment, sales_order_line=line, quantity=Decimal(1))
    before = stock_snapshot()

    with pytest.raises(InvalidInput, match="ships from another warehouse than this shipment's"):
        post_shipment(shipment, actor=clerk)

    assert stock_snapshot() == before


def test_dropship_lines_ship_on_a_dropship_shipment_without_moving_stock(site, seller, clerk, stocked):
    order = draft_order(site, (site.bolt, "2"))
    SalesOrderLineFactory.create(
        order=order,
        product=site.nut,
        quantity=Decimal(5),
        dropship=True,
        warehouse=None,
        requested_date=dt.date(2026, 6, 12),
    )
    order = confirm_order(order, actor=seller).instance
    _, dropship_line = order_lines(order)
    wrong = ShipmentFactory.create(sales_order=order, warehouse=site.warehouse)
    ShipmentLineFactory.create(shipment=wrong, sales_order_line=dropship_line, quantity=Decimal(5))
    with pytest.raises(InvalidInput, match="NUT-10 is a dropship line; record it on a dropship shipment"):
        post_shipment(wrong, actor=clerk)
    moves_before = StockMove.objects.count()

    result = post_shipment(draft_shipment(order, dropship=True, tracking_number="VENDOR-1"), actor=clerk)

    assert result.output == []
    assert StockMove.objects.count() == moves_before
    assert [line.shipped_quantity for line in order_lines(order)] == [Decimal(0), Decimal(5)]
    assert refreshed(order).status == SalesOrderStatus.PARTIALLY_SHIPPED
    post_shipment(draft_shipment(order), actor=clerk)
    assert refreshed(order).status == SalesOrderStatus.SHIPPED
    assert check_stock_ledger() == []


def test_a_cancelled_order_ships_nothing(site, seller, clerk, stocked):
    order = confirmed(site, seller, (site.bolt, "1"))
    shipment = draft_shipment(order)
    cancel_order(order, actor=seller, reason="duplicate")
    before = stock_snapshot()

    with pytest.raises(TransitionNotAllowed) as refused:
        post_shipment(shipment, actor=clerk)

    assert (
        refused.value.detail
        == f"cannot post: {order} is cancelled; only confirmed or partially shipped orders ship"
    )
    assert stock_snapshot() == before


def test_lines_in_several_warehouses_need_a_named_one(site, seller, stocked):
    stock(site.other_stock, site.bolt, "4", "1")
    order = draft_order(site, (site.bolt, "1"))
    SalesOrderLineFactory.create(
        order=order, product=site.bolt, quantity=Decimal(1), warehouse=site.other_warehouse
    )
    order = confirm_order(order, actor=seller).instance

    with pytest.raises(InvalidInput, match="ship from several warehouses; name one"):
        draft_shipment(order)
    shipment = draft_shipment(order, warehouse=site.other_warehouse)

    assert shipment.warehouse == site.other_warehouse
    assert [line.sales_order_line.warehouse_id for line in shipment.lines.all()] == [site.other_warehouse.pk]
