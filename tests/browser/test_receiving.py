"""Receiving a purchase order from its "Receive" button, in Chromium: drafted, opened, counted, posted."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from nexus.core import scope
from nexus.inventory.models import StockMove
from nexus.procurement.models import GoodsReceipt, GoodsReceiptStatus, PurchaseOrder, PurchaseOrderStatus
from tests.factories.procurement import PurchaseOrderFactory, PurchaseOrderLineFactory

from .conftest import sign_in
from .test_admin_flows import Shop, shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def sent_order(shop: Shop) -> PurchaseOrder:  # noqa: F811
    with scope.tenant(shop.tenant):
        order = PurchaseOrderFactory.create(
            vendor=shop.vendor, warehouse=shop.warehouse, status=PurchaseOrderStatus.SENT
        )
        PurchaseOrderLineFactory.create(order=order, product=shop.bolt, quantity=Decimal(50))
        return order


def test_receiving_a_purchase_order_from_its_receive_button(screen, live_server, shop):  # noqa: F811
    order = sent_order(shop)
    sign_in(screen, live_server, shop.ana, shop.tenant)
    screen.goto(f"{live_server.url}/admin/procurement/purchaseorder/{order.pk}/change/")

    screen.get_by_role("button", name="Receive", exact=True).click()

    with scope.tenant(shop.tenant):
        receipt = GoodsReceipt.objects.get()
    expect(screen).to_have_url(f"{live_server.url}/admin/procurement/goodsreceipt/{receipt.pk}/change/")
    message = screen.locator("li").filter(has_text="Drafted")
    expect(message.get_by_role("link", name=receipt.number)).to_have_attribute(
        "href", f"/admin/procurement/goodsreceipt/{receipt.pk}/change/"
    )
    expect(message.get_by_role("link", name=order.number)).to_be_visible()
    expect(screen.locator("#id_lines-0-quantity")).to_have_value("50.0000")

    screen.get_by_role("button", name="Post", exact=True).click()

    expect(screen.get_by_text(f"Posted “{receipt.number}”.")).to_be_visible()
    with scope.tenant(shop.tenant):
        assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.POSTED
        assert PurchaseOrder.objects.get(pk=order.pk).status == PurchaseOrderStatus.RECEIVED
        assert list(StockMove.objects.values_list("quantity", flat=True)) == [Decimal(50)]
