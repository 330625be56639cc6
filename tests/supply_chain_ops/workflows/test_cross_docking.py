"""Cross-docking: a receipt short of three waiting orders goes to staging for them, oldest
promised date first; shipping picks the staged goods; a redelivered event stages nothing twice."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import Conflict
from nexus.core.events import EventEnvelope
from nexus.core.models import AuditEvent, OutboxEvent
from nexus.inventory.models import Reservation, ReservationState, StockAvailability, StockBalance, StockMove
from nexus.inventory.services import check_stock_ledger, transfer
from nexus.sales.services import cancel_order, draft_shipment, post_shipment, top_up_reservations
from supply_chain_ops.models import CrossDock, CrossDockLine
from supply_chain_ops.models.cross_docks import waiting_lines
from supply_chain_ops.workflows.cross_docking import (
    cross_dock_receipt,
    on_reservation_changed,
    on_stock_received,
)
from tests.supply_chain_ops.cross_dock_site import RECEIVER, CrossDockSite, cross_dock_site

pytestmark = pytest.mark.django_db

__all__ = ["cross_dock_site"]


def figures(site: CrossDockSite) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Sellable, reserved, reserved staged and on hand of bolts in BER1."""
    row = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
    return row.on_hand_sellable, row.reserved, row.reserved_staged, row.on_hand


def on_hand(location_id: int, site: CrossDockSite) -> Decimal:
    row = StockBalance.objects.filter(location_id=location_id, product=site.bolt).first()
    return row.on_hand if row else Decimal(0)


def deliver_reservation_events(since: int) -> None:
    """Hand the reservation changes published after outbox row ``since`` to the progress listener."""
    for event in OutboxEvent.objects.filter(name="inventory.reservation_changed", pk__gt=since).order_by(
        "id"
    ):
        on_reservation_changed(event.payload, envelope_of(event))


def envelope_of(event: OutboxEvent) -> EventEnvelope:
    return EventEnvelope(
        event_id=event.pk,
        name=event.name,
        tenant_id=event.tenant_id,
        schema_version=event.schema_version,
        occurred_at=event.occurred_at,
        request_id=event.request_id,
        listener="test",
        attempt=1,
    )


def test_a_receipt_short_of_three_waiting_orders_is_staged_for_them_oldest_promise_first(cross_dock_site):
    site = cross_dock_site
    move = site.receive("12")

    cross_dock = cross_dock_receipt(move.pk)

    assert cross_dock is not None
    assert (cross_dock.number, cross_dock.received_quantity, cross_dock.staged_quantity) == (
        f"CD-{dt.date.today().year}-000001",
        Decimal("12.0000"),
        Decimal("12.0000"),
    )
    lines = list(cross_dock.lines.order_by("id"))
    assert [(line.sales_order_line_id, line.promised_date, line.quantity) for line in lines] == [
        (site.line(1).pk, dt.date(2026, 6, 10), Decimal("5.0000")),
        (site.line(2).pk, dt.date(2026, 6, 11), Decimal("6.0000")),
        (site.line(0).pk, dt.date(2026, 6, 12), Decimal("1.0000")),
    ]
    pinned = Reservation.objects.filter(location=site.staging).order_by("id")
    assert [(r.pk, r.source_id, r.quantity, r.state) for r in pinned] == [
        (line.reservation_id, line.sales_order_line_id, line.quantity, ReservationState.HELD)
        for line in lines
    ]
    assert (on_hand(site.stock.pk, site), on_hand(site.staging.pk, site)) == (Decimal(0), Decimal("12.0000"))
    assert figures(site) == (Decimal(0), Decimal(0), Decimal("12.0000"), Decimal("12.0000"))
    event = OutboxEvent.objects.get(name="supply_chain.cross_dock_staged")
    assert (event.payload["staged_quantity"], len(event.payload["lines"])) == ("12.0000", 3)
    assert AuditEvent.objects.filter(action="supply_chain.cross_dock.staged").count() == 1
    assert [line.pk for line in waiting_lines().order_by("id")] == [line.pk for line in lines]
    assert check_stock_ledger() == []


def test_more_than_the_orders_need_leaves_the_rest_in_stock(cross_dock_site):
    site = cross_dock_site

    cross_dock = cross_dock_receipt(site.receive("20").pk)

    assert cross_dock is not None
    assert sorted(line.quantity for line in cross_dock.lines.all()) == [
        Decimal("4.0000"),
        Decimal("5.0000"),
        Decimal("6.0000"),
    ]
    assert (on_hand(site.stock.pk, site), on_hand(site.staging.pk, site)) == (
        Decimal("5.0000"),
        Decimal("15.0000"),
    )
    assert figures(site) == (Decimal("5.0000"), Decimal(0), Decimal("15.0000"), Decimal("20.0000"))
    assert check_stock_ledger() == []


def test_shipping_picks_the_staged_goods_and_the_line_stops_waiting(cross_dock_site):
    site = cross_dock_site
    cross_dock = cross_dock_receipt(site.receive("12").pk)
    assert cross_dock is not None
    since = OutboxEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    shipment = post_shipment(draft_shipment(site.orders[1]), actor=site.clerk).instance

    issue = StockMove.objects.get(document_type="sales.shipment", document_id=shipment.pk)
    assert (issue.from_location_id, issue.quantity, issue.value) == (
        site.staging.pk,
        Decimal("5.0000"),
        Decimal("10.0000"),
    )
    served = Reservation.objects.get(source_id=site.line(1).pk)
    assert (served.state, served.consumed_quantity) == (ReservationState.CONSUMED, Decimal("5.0000"))
    assert figures(site) == (Decimal(0), Decimal(0), Decimal("7.0000"), Decimal("7.0000"))

    deliver_reservation_events(since)
    deliver_reservation_events(since)  # redelivered: nothing moves twice

    line = CrossDockLine.objects.get(sales_order_line_id=site.line(1).pk)
    assert (line.shipped_quantity, line.released_quantity, line.waiting) == (
        Decimal("5.0000"),
        Decimal("0.0000"),
        Decimal("0.0000"),
    )
    assert waiting_lines().count() == 2
    assert check_stock_ledger() == []


def test_a_redelivered_receipt_event_stages_nothing_twice(cross_dock_site):
    site = cross_dock_site
    move = site.receive("12")
    event = OutboxEvent.objects.get(name="inventory.stock_received", payload__move_id=move.pk)

    on_stock_received(event.payload, envelope_of(event))
    moves = StockMove.objects.count()
    on_stock_received(event.payload, envelope_of(event))
    again = cross_dock_receipt(move.pk)

    assert CrossDock.objects.count() == 1
    assert again == CrossDock.objects.get()
    assert StockMove.objects.count() == moves
    assert Reservation.objects.filter(location=site.staging).count() == 3
    assert OutboxEvent.objects.filter(name="supply_chain.cross_dock_staged").count() == 1
    assert figures(site) == (Decimal(0), Decimal(0), Decimal("12.0000"), Decimal("12.0000"))
    assert check_stock_ledger() == []


def test_a_warehouse_that_does_not_cross_dock_keeps_its_receipts_in_stock(cross_dock_site):
    site = cross_dock_site
    site.warehouse.cross_docking = False
    site.warehouse.save(update_fields=["cross_docking"])

    assert cross_dock_receipt(site.receive("12").pk) is None

    assert not CrossDock.objects.exists()
    assert figures(site) == (Decimal("12.0000"), Decimal(0), Decimal(0), Decimal("12.0000"))


def test_goods_reserved_before_the_event_arrives_are_not_staged(cross_dock_site):
    site = cross_dock_site
    move = site.receive("12")
    top_up_reservations(site.orders[1], actor=site.seller)  # order B takes 5 of the free 12

    cross_dock = cross_dock_receipt(move.pk)

    assert cross_dock is not None
    assert [(line.sales_order_line_id, line.quantity) for line in cross_dock.lines.order_by("id")] == [
        (site.line(2).pk, Decimal("6.0000")),
        (site.line(0).pk, Decimal("1.0000")),
    ]
    assert figures(site) == (Decimal("5.0000"), Decimal("5.0000"), Decimal("7.0000"), Decimal("12.0000"))
    assert check_stock_ledger() == []


def test_staged_goods_leave_staging_only_for_their_orders(cross_dock_site):
    site = cross_dock_site
    cross_dock_receipt(site.receive("12").pk)

    with pytest.raises(Conflict) as refused:
        transfer(site.bolt.pk, site.staging.pk, site.stock.pk, 1, actor=RECEIVER)

    assert refused.value.code == "stock_reserved"
    assert on_hand(site.staging.pk, site) == Decimal("12.0000")


def test_a_cancelled_order_releases_its_staged_goods(cross_dock_site):
    site = cross_dock_site
    cross_dock_receipt(site.receive("12").pk)
    since = OutboxEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    cancel_order(site.orders[2], actor=site.seller, reason="customer withdrew")
    deliver_reservation_events(since)

    line = CrossDockLine.objects.get(sales_order_line_id=site.line(2).pk)
    assert (line.shipped_quantity, line.released_quantity) == (Decimal("0.0000"), Decimal("6.0000"))
    assert figures(site) == (Decimal(0), Decimal(0), Decimal("6.0000"), Decimal("12.0000"))
    assert check_stock_ledger() == []
