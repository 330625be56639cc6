"""Sales orders: confirming reserves what is free, cancelling and closing release, refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent
from nexus.core.transitions import available_transitions, perform_transition
from nexus.inventory.models import Reservation, ReservationState
from nexus.inventory.services import check_stock_ledger
from nexus.sales.models import SalesOrderStatus
from nexus.sales.services import (
    LineReservation,
    cancel_order,
    close_order,
    confirm_order,
    draft_shipment,
    post_shipment,
    top_up_reservations,
)
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory

from .conftest import stock
from .helpers import draft_order, order_lines, refreshed, reserved, stock_snapshot

pytestmark = pytest.mark.django_db


def test_confirming_reserves_each_stocked_line_for_its_promised_date(site, seller):
    stock(site.stock_a, site.bolt, "10", "2")
    stock(site.stock_a, site.nut, "50", "0.1")
    order = draft_order(site, (site.bolt, "4"), (site.nut, "30"))
    bolt_line, nut_line = order_lines(order)
    type(nut_line).objects.filter(pk=nut_line.pk).update(promised_date=dt.date(2026, 6, 20))

    result = confirm_order(order, actor=seller)

    assert result.instance.status == SalesOrderStatus.CONFIRMED
    assert result.output == [
        LineReservation(bolt_line.pk, "BOLT-10", Decimal(4), Decimal(4)),
        LineReservation(nut_line.pk, "NUT-10", Decimal(30), Decimal(30)),
    ]
    assert list(
        Reservation.objects.order_by("id").values_list(
            "source_type", "source_id", "product_id", "warehouse_id", "quantity", "required_date", "state"
        )
    ) == [
        (
            "sales.salesorderline",
            bolt_line.pk,
            site.bolt.pk,
            site.warehouse.pk,
            Decimal(4),
            dt.date(2026, 6, 10),
            "held",
        ),
        (
            "sales.salesorderline",
            nut_line.pk,
            site.nut.pk,
            site.warehouse.pk,
            Decimal(30),
            dt.date(2026, 6, 20),
            "held",
        ),
    ]
    assert [line.promised_date for line in order_lines(order)] == [dt.date(2026, 6, 10), dt.date(2026, 6, 20)]
    assert (reserved(site.bolt, site.warehouse), reserved(site.nut, site.warehouse)) == (
        Decimal(4),
        Decimal(30),
    )
    assert check_stock_ledger() == []


def test_confirming_publishes_the_promise_with_what_was_reserved(site, seller):
    stock(site.stock_a, site.bolt, "3", "2")
    order = draft_order(site, (site.bolt, "4"))
    dropship = SalesOrderLineFactory.create(
        order=order,
        product=site.nut,
        quantity=Decimal(2),
        dropship=True,
        warehouse=None,
        requested_date=dt.date(2026, 6, 12),
        discount_percent=Decimal("10"),
    )
    (bolt_line, _) = order_lines(order)

    confirm_order(order, actor=seller)

    event = OutboxEvent.objects.get(name="sales.order_confirmed")
    assert event.payload == {
        "order_id": order.pk,
        "number": order.number,
        "customer_id": site.customer.pk,
        "currency": "USD",
        "lines": [
            {
                "line_id": bolt_line.pk,
                "product_id": site.bolt.pk,
                "quantity": "4.0000",
                "unit_price": "25.000000",
                "discount_percent": "0.00",
                "warehouse_id": site.warehouse.pk,
                "promised_date": "2026-06-10",
                "dropship": False,
                "reserved_quantity": "3.0000",
            },
            {
                "line_id": dropship.pk,
                "product_id": site.nut.pk,
                "quantity": "2.0000",
                "unit_price": "25.000000",
                "discount_percent": "10.00",
                "warehouse_id": None,
                "promised_date": "2026-06-12",
                "dropship": True,
                "reserved_quantity": "0.0000",
            },
        ],
        "schema_version": 1,
    }


def test_short_stock_confirms_and_leaves_the_rest_unreserved_in_line_order(site, seller):
    stock(site.stock_a, site.bolt, "5", "2")
    order = draft_order(site, (site.bolt, "3"), (site.bolt, "4"), (site.nut, "2"))
    first, second, nut = order_lines(order)

    result = confirm_order(order, actor=seller)

    assert result.instance.status == SalesOrderStatus.CONFIRMED
    assert result.output == [
        LineReservation(first.pk, "BOLT-10", Decimal(3), Decimal(3)),
        LineReservation(second.pk, "BOLT-10", Decimal(4), Decimal(2)),
        LineReservation(nut.pk, "NUT-10", Decimal(2), Decimal(0)),
    ]
    assert reserved(site.bolt, site.warehouse) == Decimal(5)
    assert check_stock_ledger() == []


def test_what_arrives_later_is_reserved_on_request(site, seller):
    stock(site.stock_a, site.bolt, "2", "2")
    order = confirm_order(draft_order(site, (site.bolt, "5")), actor=seller).instance
    stock(site.stock_b, site.bolt, "10", "2")
    (line,) = order_lines(order)

    outcome = top_up_reservations(order, actor=seller)

    assert outcome == [LineReservation(line.pk, "BOLT-10", Decimal(3), Decimal(3))]
    assert reserved(site.bolt, site.warehouse) == Decimal(5)
    assert top_up_reservations(order, actor=seller) == []
    assert check_stock_ledger() == []


def test_a_draft_holds_no_reservations_to_top_up(site, seller):
    order = draft_order(site, (site.bolt, "5"))

    with pytest.raises(TransitionNotAllowed, match=r"cannot reserve: .* is draft"):
        top_up_reservations(order, actor=seller)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("no_lines", "cannot confirm: the sales order has no lines"),
        ("inactive_customer", "cannot confirm: the customer HANSA is inactive"),
        ("inactive_product", "cannot confirm: BOLT-10 is inactive"),
        (
            "dropship_warehouse",
            "cannot confirm: BOLT-10 needs a warehouse that holds stock (or mark the line dropship)",
        ),
    ],
)
def test_refusals_to_confirm_say_why_and_change_nothing(site, seller, spoil, message):
    stock(site.stock_a, site.bolt, "10", "2")
    order = SalesOrderFactory.create(customer=site.customer, warehouse=site.warehouse)
    if spoil != "no_lines":
        SalesOrderLineFactory.create(
            order=order,
            product=site.bolt,
            warehouse=site.dropship_warehouse if spoil == "dropship_warehouse" else site.warehouse,
        )
    if spoil == "inactive_customer":
        type(site.customer).objects.filter(pk=site.customer.pk).update(active=False)
    if spoil == "inactive_product":
        type(site.bolt).objects.filter(pk=site.bolt.pk).update(active=False)
    before = stock_snapshot()

    with pytest.raises(TransitionNotAllowed) as refused:
        confirm_order(order, actor=seller)

    assert refused.value.detail == message
    assert stock_snapshot() == before


def test_a_viewer_may_not_confirm(site, viewer):
    order = draft_order(site, (site.bolt, "1"))

    with pytest.raises(PermissionDenied):
        confirm_order(order, actor=viewer)


def test_cancelling_releases_every_reservation_and_says_why(site, seller):
    stock(site.stock_a, site.bolt, "10", "2")
    order = confirm_order(draft_order(site, (site.bolt, "4"), (site.bolt, "3")), actor=seller).instance

    cancelled = cancel_order(order, actor=seller, reason="customer changed their mind").instance

    assert cancelled.status == SalesOrderStatus.CANCELLED
    assert set(Reservation.objects.values_list("state", flat=True)) == {ReservationState.RELEASED}
    assert reserved(site.bolt, site.warehouse) == Decimal(0)
    event = OutboxEvent.objects.get(name="sales.order_cancelled")
    assert event.payload == {
        "order_id": order.pk,
        "number": order.number,
        "customer_id": site.customer.pk,
        "reason": "customer changed their mind",
        "schema_version": 1,
    }
    assert check_stock_ledger() == []


def test_cancelling_needs_a_reason(site, seller):
    order = draft_order(site, (site.bolt, "1"))

    with pytest.raises(InvalidInput, match="A reason is required to cancel"):
        cancel_order(order, actor=seller, reason="")


def test_an_order_that_shipped_cannot_be_cancelled_but_can_be_closed(site, seller, clerk):
    stock(site.stock_a, site.bolt, "10", "2")
    order = confirm_order(draft_order(site, (site.bolt, "6")), actor=seller).instance
    (line,) = order_lines(order)
    post_shipment(draft_shipment(order, quantities={line.pk: Decimal(2)}), actor=clerk)
    before = stock_snapshot()

    with pytest.raises(TransitionNotAllowed, match="cannot cancel: the sales order is partially shipped"):
        cancel_order(order, actor=seller, reason="too late")
    assert stock_snapshot() == before

    closed = close_order(order, actor=seller).instance

    assert closed.status == SalesOrderStatus.CLOSED
    assert reserved(site.bolt, site.warehouse) == Decimal(0)
    assert list(Reservation.objects.values_list("state", "consumed_quantity")) == [
        (ReservationState.RELEASED, Decimal(2))
    ]
    assert check_stock_ledger() == []


def test_the_shipment_transitions_are_never_offered_to_people(site, seller, admin_user, clerk):
    stock(site.stock_a, site.bolt, "10", "2")
    order = confirm_order(draft_order(site, (site.bolt, "6")), actor=seller).instance
    (line,) = order_lines(order)
    post_shipment(draft_shipment(order, quantities={line.pk: Decimal(2)}), actor=clerk)

    offered = [choice.name for choice in available_transitions(refreshed(order), admin_user)]

    assert offered == ["close"]
    with pytest.raises(PermissionDenied):
        perform_transition(order, "record_full_shipment", actor=admin_user)
