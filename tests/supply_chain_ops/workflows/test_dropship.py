"""Dropship orders: purchase orders per vendor, the exception queue, vendor shipments, compensation."""

from decimal import Decimal

import pytest

from nexus.core.errors import Conflict, PermissionDenied, TransitionNotAllowed
from nexus.core.models import AuditEvent, OutboxEvent
from nexus.inventory.models import StockAvailability, StockMove
from nexus.notifications.models import Notification
from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus, VendorShipmentLine
from nexus.procurement.services import delivery_history, draft_receipt
from nexus.sales.models import SalesOrderLine, SalesOrderStatus, Shipment
from nexus.sales.services import cancel_order
from supply_chain_ops.models import DropshipException, DropshipOrder, DropshipShipment, DropshipStatus
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine
from tests.supply_chain_ops.dropship_site import (
    COMPENSATION,
    OPENING,
    DropshipSite,
    confirmed,
    deliver_latest,
    dropship_site,
    opened,
)

pytestmark = pytest.mark.django_db
__all__ = ["dropship_site"]


def purchase_orders() -> list[PurchaseOrder]:
    return list(PurchaseOrder.objects.order_by("vendor__code"))


def po_lines(order: PurchaseOrder) -> list[tuple[str, Decimal, Decimal, str]]:
    return [
        (line.product.sku, line.quantity, line.unit_price, line.vendor_sku)
        for line in PurchaseOrderLine.objects.filter(order=order).select_related("product").order_by("id")
    ]


def mixed(site: DropshipSite) -> DropshipOrder:
    return opened(site, (site.desk, "2", True), (site.lamp, "3", True), (site.bolt, "5", False))


def sent(site: DropshipSite) -> DropshipOrder:
    return dropship.send(mixed(site), actor=site.buyer)


def test_a_mixed_order_creates_one_purchase_order_per_vendor_with_the_customers_address(dropship_site):
    site = dropship_site
    order = mixed(site)

    assert order.status == DropshipStatus.PURCHASE_ORDERS_CREATED
    acme, beta = purchase_orders()
    assert (acme.vendor, beta.vendor) == (site.acme, site.beta)
    assert po_lines(acme) == [("DESK-1", Decimal("2.0000"), Decimal("300.000000"), "A-DESK")]
    assert po_lines(beta) == [("LAMP-2", Decimal("3.0000"), Decimal("20.000000"), "B-LAMP")]
    for po in (acme, beta):
        assert (po.status, po.dropship, po.warehouse_id) == (
            PurchaseOrderStatus.DRAFT,
            True,
            site.dropship_warehouse.pk,
        )
        assert (po.ship_to_name, po.ship_to_address_line1, po.ship_to_postal_code, po.ship_to_city) == (
            "Hansa Bau",
            "Hafenstr. 1",
            "20457",
            "Hamburg",
        )
    lines = list(order.lines.order_by("id"))
    assert [(line.sku, line.vendor_id, line.purchase_order_id) for line in lines] == [
        ("DESK-1", site.acme.pk, acme.pk),
        ("LAMP-2", site.beta.pk, beta.pk),
    ]
    # The stocked line is sales' own: reserved in BER1, on no purchase order.
    bolt = SalesOrderLine.objects.get(product=site.bolt)
    assert StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse).reserved == Decimal(5)
    assert not PurchaseOrderLine.objects.filter(product=site.bolt).exists()
    assert bolt.shipped_quantity == 0
    assert OutboxEvent.objects.filter(name="supply_chain.dropship_purchase_orders_created").count() == 1


def test_an_order_without_dropship_lines_opens_nothing(dropship_site):
    site = dropship_site
    confirmed(site, (site.bolt, "5", False))

    deliver_latest("sales.order_confirmed", OPENING)

    assert not DropshipOrder.objects.exists()


def test_a_line_without_a_vendor_goes_to_the_exception_queue_and_resumes_after_a_buyer_picks_one(
    dropship_site,
):
    site = dropship_site
    order = opened(site, (site.desk, "1", True), (site.chair, "4", True))

    assert (order.status, order.exception_kind) == (DropshipStatus.EXCEPTION, DropshipException.NO_VENDOR)
    assert "CHAIR-3 (4 pcs): no active vendor terms for the product" in order.exception_reason
    assert not PurchaseOrder.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="pick a vendor for CHAIR-3"):
        dropship.resume(order, actor=site.buyer)

    chair = order.lines.get(sku="CHAIR-3")
    dropship.pick_vendor(order, chair.pk, site.beta.pk, actor=site.buyer)
    resumed = dropship.resume(order, actor=site.buyer)

    assert (resumed.status, resumed.exception_kind, resumed.exception_reason) == (
        DropshipStatus.PURCHASE_ORDERS_CREATED,
        "",
        "",
    )
    acme, beta = purchase_orders()
    assert po_lines(acme) == [("DESK-1", Decimal("1.0000"), Decimal("300.000000"), "A-DESK")]
    # No terms: the buyer sets the price on the draft before sending.
    assert po_lines(beta) == [("CHAIR-3", Decimal("4.0000"), Decimal("0E-6"), "")]
    assert AuditEvent.objects.filter(action="supply_chain.dropship_vendor_picked").count() == 1


def test_only_a_buyer_picks_vendors(dropship_site):
    site = dropship_site
    order = opened(site, (site.chair, "1", True))

    with pytest.raises(PermissionDenied):
        dropship.pick_vendor(order, order.lines.get().pk, site.acme.pk, actor=site.seller)


def test_sending_sends_every_purchase_order_with_a_notice_to_each_vendor(dropship_site):
    site = dropship_site
    order = sent(site)

    assert order.status == DropshipStatus.SENT
    assert order.sent_at is not None
    assert [po.status for po in purchase_orders()] == [PurchaseOrderStatus.SENT] * 2
    notices = Notification.objects.filter(template="dropship_order_to_vendor").order_by("email_address")
    assert [(n.email_address, n.context["order_number"]) for n in notices] == [
        ("orders@acme.example", purchase_orders()[0].number),
        ("sales@beta.example", purchase_orders()[1].number),
    ]


def test_a_partial_vendor_shipment_ships_only_its_lines_and_moves_no_stock(dropship_site):
    site = dropship_site
    order = sent(site)
    moves = StockMove.objects.count()
    desk = order.lines.get(sku="DESK-1")

    result = dropship.record_vendor_shipment(
        order,
        [ShippedLine(sales_order_line=desk.sales_order_line_id)],
        tracking_number="1Z999",
        carrier="UPS",
        actor=site.buyer,
    )

    assert result.order.status == DropshipStatus.PARTIALLY_SHIPPED
    shipment = Shipment.objects.get()
    assert (shipment.dropship, shipment.tracking_number, shipment.carrier, shipment.status) == (
        True,
        "1Z999",
        "UPS",
        "posted",
    )
    assert list(shipment.lines.values_list("sales_order_line_id", "quantity")) == [
        (desk.sales_order_line_id, Decimal("2.0000"))
    ]
    so_lines = {line.product.sku: line for line in SalesOrderLine.objects.select_related("product")}
    assert (so_lines["DESK-1"].shipped_quantity, so_lines["LAMP-2"].shipped_quantity) == (2, 0)
    assert so_lines["BOLT-10"].shipped_quantity == 0
    assert so_lines["DESK-1"].order.status == SalesOrderStatus.PARTIALLY_SHIPPED
    acme, beta = purchase_orders()
    assert (acme.status, beta.status) == (PurchaseOrderStatus.RECEIVED, PurchaseOrderStatus.SENT)
    assert PurchaseOrderLine.objects.get(order=acme).received_quantity == 2
    assert StockMove.objects.count() == moves
    assert [(d.vendor_id, d.quantity, d.dropship) for d in delivery_history([site.acme.pk])] == [
        (site.acme.pk, Decimal("2.0000"), True)
    ]


def test_the_last_vendor_shipment_ships_the_order_and_closing_closes_the_purchase_orders(dropship_site):
    site = dropship_site
    order = sent(site)
    acme, beta = purchase_orders()
    lamp = PurchaseOrderLine.objects.get(order=beta)
    desk = PurchaseOrderLine.objects.get(order=acme)

    dropship.record_vendor_shipment(
        order, [ShippedLine(purchase_order_line=lamp.pk)], tracking_number="B-1", actor=site.buyer
    )
    done = dropship.record_vendor_shipment(
        order,
        [ShippedLine(purchase_order_line=desk.pk, quantity=Decimal(2))],
        tracking_number="A-1",
        actor=site.buyer,
    ).order

    assert done.status == DropshipStatus.SHIPPED
    assert done.shipped_at is not None
    closed = dropship.close(done, actor=site.buyer)
    assert closed.status == DropshipStatus.CLOSED
    assert [po.status for po in purchase_orders()] == [PurchaseOrderStatus.CLOSED] * 2
    assert OutboxEvent.objects.filter(name="supply_chain.dropship_shipped").count() == 2


def test_a_vendor_bound_caller_cannot_ship_another_vendors_lines(dropship_site):
    site = dropship_site
    order = sent(site)
    lamp = order.lines.get(sku="LAMP-2")

    with pytest.raises(PermissionDenied, match="LAMP-2"):
        dropship.record_vendor_shipment(
            order,
            [ShippedLine(sales_order_line=lamp.sales_order_line_id)],
            tracking_number="X",
            actor=site.buyer,
            vendor_id=site.acme.pk,
        )
    assert not Shipment.objects.exists()
    assert not DropshipShipment.objects.exists()


def test_more_than_is_open_is_refused_and_changes_nothing(dropship_site):
    site = dropship_site
    order = sent(site)
    desk = order.lines.get(sku="DESK-1")

    with pytest.raises(Conflict) as refused:
        dropship.record_vendor_shipment(
            order,
            [ShippedLine(sales_order_line=desk.sales_order_line_id, quantity=Decimal(3))],
            tracking_number="X",
            actor=site.buyer,
        )
    assert refused.value.code == "over_shipment"
    assert not Shipment.objects.exists()
    assert DropshipOrder.objects.get().status == DropshipStatus.SENT


def test_redelivering_every_event_and_notice_creates_nothing_twice(dropship_site):
    site = dropship_site
    order = mixed(site)
    confirmation = OutboxEvent.objects.get(name="sales.order_confirmed")
    # The outbox settles a delivery once; the listener itself also finds its work done.
    deliver_latest("sales.order_confirmed", OPENING)
    dropship.open_for_confirmed_order(confirmation.payload, None)  # type: ignore[arg-type]
    assert (DropshipOrder.objects.count(), PurchaseOrder.objects.count()) == (1, 2)

    order = dropship.send(order, actor=site.buyer)
    desk = order.lines.get(sku="DESK-1")
    notice = [ShippedLine(sales_order_line=desk.sales_order_line_id)]
    first = dropship.record_vendor_shipment(order, notice, tracking_number="1Z", actor=site.buyer)
    again = dropship.record_vendor_shipment(order, notice, tracking_number="1Z", actor=site.buyer)
    assert (again.replayed, again.shipment.pk) == (True, first.shipment.pk)
    assert (Shipment.objects.count(), VendorShipmentLine.objects.count()) == (1, 1)
    lamp = order.lines.get(sku="LAMP-2")
    with pytest.raises(Conflict, match="other lines"):
        dropship.record_vendor_shipment(
            order,
            [ShippedLine(sales_order_line=lamp.sales_order_line_id)],
            tracking_number="1Z",
            actor=site.buyer,
        )


def test_cancelling_before_sending_cancels_the_purchase_orders(dropship_site):
    site = dropship_site
    order = mixed(site)

    cancel_order(order.sales_order_id, actor=site.seller, reason="Customer changed their mind")
    deliver_latest("sales.order_cancelled", COMPENSATION)
    deliver_latest("sales.order_cancelled", COMPENSATION)
    dropship.compensate_cancelled_order(
        OutboxEvent.objects.get(name="sales.order_cancelled").payload,
        None,  # type: ignore[arg-type]
    )

    order = DropshipOrder.objects.get()
    assert order.status == DropshipStatus.CANCELLED
    assert [po.status for po in purchase_orders()] == [PurchaseOrderStatus.CANCELLED] * 2
    assert not Notification.objects.filter(template="dropship_cancellation_to_vendor").exists()


def test_cancelling_after_sending_queues_the_order_for_a_buyer_who_cancels_with_the_vendors(dropship_site):
    site = dropship_site
    order = sent(site)

    cancel_order(order.sales_order_id, actor=site.seller, reason="Customer changed their mind")
    deliver_latest("sales.order_cancelled", COMPENSATION)

    held = DropshipOrder.objects.get()
    assert (held.status, held.exception_kind) == (
        DropshipStatus.EXCEPTION,
        DropshipException.CANCEL_WITH_VENDOR,
    )
    assert [po.status for po in purchase_orders()] == [PurchaseOrderStatus.SENT] * 2
    with pytest.raises(TransitionNotAllowed, match="cancel with the vendors instead"):
        dropship.resume(held, actor=site.buyer)

    done = dropship.cancel(held, actor=site.buyer, reason="Cancelled with Acme and Beta by phone")

    assert done.status == DropshipStatus.CANCELLED
    assert [po.status for po in purchase_orders()] == [PurchaseOrderStatus.CANCELLED] * 2
    notices = Notification.objects.filter(template="dropship_cancellation_to_vendor").order_by(
        "email_address"
    )
    assert [n.email_address for n in notices] == ["orders@acme.example", "sales@beta.example"]


def test_a_sales_order_cancelled_before_its_confirmation_was_handled_opens_nothing(dropship_site):
    site = dropship_site
    order = confirmed(site, (site.desk, "1", True))
    cancel_order(order, actor=site.seller, reason="Oops")

    deliver_latest("sales.order_confirmed", OPENING)
    deliver_latest("sales.order_cancelled", COMPENSATION)

    assert not DropshipOrder.objects.exists()
    assert not PurchaseOrder.objects.exists()


def test_a_dropship_purchase_order_takes_no_goods_receipt(dropship_site):
    site = dropship_site
    sent(site)

    with pytest.raises(TransitionNotAllowed, match="vendor's shipment notice delivers its lines"):
        draft_receipt(purchase_orders()[0])


def test_every_step_is_audited(dropship_site):
    site = dropship_site
    order = sent(site)
    desk = order.lines.get(sku="DESK-1")
    dropship.record_vendor_shipment(
        order,
        [ShippedLine(sales_order_line=desk.sales_order_line_id)],
        tracking_number="1Z",
        actor=site.buyer,
    )

    actions = list(
        AuditEvent.objects.filter(object_type="supply_chain_ops.dropshiporder")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "supply_chain.dropship_opened"
    assert len(actions) == 4  # opened, create_purchase_orders, send, ship_part
