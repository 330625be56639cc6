"""The admin as people use it, in Chromium: log in with a code, switch tenant, the dashboard's queues,
a purchase order created and sent, and a receipt that is never posted with values nobody saw."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from nexus.accounts.models import User
from nexus.core import scope
from nexus.inventory.models import Location, Product, StockMove, Warehouse
from nexus.procurement.models import (
    GoodsReceipt,
    GoodsReceiptStatus,
    PurchaseOrder,
    PurchaseOrderStatus,
    Vendor,
)
from nexus.tenancy.models import Role, Tenant
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory
from tests.factories.procurement import (
    GoodsReceiptFactory,
    GoodsReceiptLineFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    VendorFactory,
)
from tests.nexus.accounts.conftest import current_code, enrol

from .conftest import choose, sign_in

pytestmark = pytest.mark.browser


@dataclass
class Shop:
    tenant: Tenant
    other: Tenant
    ana: User
    warehouse: Warehouse
    stock: Location
    bolt: Product
    vendor: Vendor


@pytest.fixture
def shop(currency: Any) -> Shop:
    """Acme, where Ana administers, and Beta, where she buys; a warehouse, a product, a vendor."""
    acme = TenantFactory.create(slug="acme", name="Acme Trading")
    beta = TenantFactory.create(slug="beta", name="Beta Supplies")
    ana = UserFactory.create(email="ana@acme.example", full_name="Ana Ops")
    MembershipFactory.create(user=ana, tenant=acme, role=Role.ADMIN)
    MembershipFactory.create(user=ana, tenant=beta, role=Role.PURCHASER)
    with scope.tenant(acme):
        warehouse = WarehouseFactory.create(code="BER1", name="Berlin")
        stock = LocationFactory.create(warehouse=warehouse, code="A-STOCK")
        bolt = ProductFactory.create(sku="BOLT-10", name="Bolt M10")
        vendor = VendorFactory.create(code="ACME", name="Acme Supplies", currency=currency)
    return Shop(acme, beta, ana, warehouse, stock, bolt, vendor)


def sent_order_with_draft_receipt(shop: Shop, quantity: str) -> GoodsReceipt:
    with scope.tenant(shop.tenant):
        order = PurchaseOrderFactory.create(
            vendor=shop.vendor, warehouse=shop.warehouse, status=PurchaseOrderStatus.SENT
        )
        line = PurchaseOrderLineFactory.create(order=order, product=shop.bolt, quantity=Decimal(50))
        receipt = GoodsReceiptFactory.create(purchase_order=order, number="GR-T-000777")
        GoodsReceiptLineFactory.create(receipt=receipt, purchase_order_line=line, quantity=Decimal(quantity))
        return receipt


def test_logging_in_with_password_and_authenticator_code(screen, live_server, shop):
    secret = enrol(shop.ana)

    screen.goto(f"{live_server.url}/admin/")
    screen.get_by_label("Email address").fill("ana@acme.example")
    screen.get_by_label("Password").fill(TEST_PASSWORD)
    screen.get_by_role("button", name="Log in").click()
    expect(screen.get_by_text("Enter the current code of your authenticator app")).to_be_visible()
    screen.get_by_label("Code").fill(current_code(secret))
    screen.get_by_role("button", name="Sign in").click()

    expect(screen.get_by_role("heading", name="Waiting for you in Acme Trading")).to_be_visible()
    expect(screen.locator("#nexus-tenant")).to_have_value("acme")


def test_switching_tenant_keeps_the_page(screen, live_server, shop):
    sign_in(screen, live_server, shop.ana, shop.tenant)
    screen.goto(f"{live_server.url}/admin/procurement/purchaseorder/")

    screen.locator("#nexus-tenant").select_option("beta")

    expect(screen.get_by_text("You are now working in Beta Supplies.")).to_be_visible()
    assert screen.url == f"{live_server.url}/admin/procurement/purchaseorder/"
    expect(screen.locator("#nexus-tenant")).to_have_value("beta")
    # A purchaser in Beta: purchasing in the sidebar, no people or system screens.
    sidebar = screen.locator("#nav-sidebar")
    expect(sidebar.get_by_role("link", name="Purchase orders")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Members")).to_have_count(0)


def test_the_dashboard_counts_what_waits_and_links_to_it(screen, live_server, shop):
    with scope.tenant(shop.tenant):
        for _ in range(3):
            PurchaseOrderFactory.create(vendor=shop.vendor, warehouse=shop.warehouse)
    sent_order_with_draft_receipt(shop, "5")
    sign_in(screen, live_server, shop.ana, shop.tenant)

    screen.goto(f"{live_server.url}/admin/")

    to_send = screen.locator("[data-queue='procurement.orders_to_send']")
    expect(to_send).to_contain_text("3")
    expect(screen.locator("[data-queue='procurement.receipts_to_post']")).to_contain_text("1")
    expect(screen.locator("[data-figure='inventory.stock_value_by_warehouse']")).to_be_visible()
    to_send.click()
    expect(screen).to_have_url(f"{live_server.url}/admin/procurement/purchaseorder/?status__exact=draft")
    expect(screen.locator("#result_list tbody tr")).to_have_count(3)


def test_creating_and_sending_a_purchase_order(screen, live_server, shop):
    sign_in(screen, live_server, shop.ana, shop.tenant)
    screen.goto(f"{live_server.url}/admin/procurement/purchaseorder/add/")

    choose(screen, "id_vendor", "ACME")
    choose(screen, "id_warehouse", "BER1")
    screen.locator("#id_currency").select_option("USD")
    screen.get_by_role("link", name="Add another Purchase order line").click()
    choose(screen, "id_lines-0-product", "BOLT-10")
    screen.locator("#id_lines-0-quantity").fill("12")
    screen.locator("#id_lines-0-unit_price").fill("4.25")
    screen.locator("#id_lines-0-expected_date").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    screen.get_by_role("button", name="Save and continue editing").click()
    expect(screen.get_by_text("was added successfully")).to_be_visible()

    screen.get_by_role("button", name="Send", exact=True).click()

    expect(screen.get_by_text("Sent “PO-")).to_be_visible()
    with scope.tenant(shop.tenant):
        order = PurchaseOrder.objects.get()
        assert order.status == PurchaseOrderStatus.SENT
        assert [(line.product_id, line.quantity) for line in order.lines.all()] == [
            (shop.bolt.pk, Decimal(12))
        ]


def test_posting_a_receipt_with_unsaved_edits_saves_first_and_shows_the_saved_values(
    screen, live_server, shop
):
    receipt = sent_order_with_draft_receipt(shop, "40")
    sign_in(screen, live_server, shop.ana, shop.tenant)
    screen.goto(f"{live_server.url}/admin/procurement/goodsreceipt/{receipt.pk}/change/")
    screen.locator("#id_lines-0-quantity").fill("10")

    screen.get_by_role("button", name="Post", exact=True).click()

    dialog = screen.locator("#nexus-unsaved-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("“Post” acts on the saved goods receipt")
    with scope.tenant(shop.tenant):
        assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.DRAFT
    dialog.get_by_role("button", name="Save, then Post").click()

    expect(screen).to_have_url(
        f"{live_server.url}/admin/procurement/goodsreceipt/{receipt.pk}/transition/post/"
    )
    expect(screen.locator(".nexus-lines")).to_contain_text("10.0000")
    screen.get_by_role("button", name="Post goods receipt").click()

    expect(screen.get_by_text("Posted “GR-T-000777”.")).to_be_visible()
    with scope.tenant(shop.tenant):
        assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.POSTED
        assert list(StockMove.objects.values_list("quantity", flat=True)) == [Decimal(10)]


def test_discarding_unsaved_edits_posts_nothing_and_shows_the_saved_values(screen, live_server, shop):
    receipt = sent_order_with_draft_receipt(shop, "40")
    sign_in(screen, live_server, shop.ana, shop.tenant)
    screen.goto(f"{live_server.url}/admin/procurement/goodsreceipt/{receipt.pk}/change/")
    screen.locator("#id_lines-0-quantity").fill("10")
    screen.get_by_role("button", name="Post", exact=True).click()

    screen.locator("#nexus-unsaved-dialog").get_by_role("button", name="Discard my changes").click()

    expect(screen.locator("#id_lines-0-quantity")).to_have_value("40.0000")
    with scope.tenant(shop.tenant):
        assert GoodsReceipt.objects.get(pk=receipt.pk).status == GoodsReceiptStatus.DRAFT
        assert StockMove.objects.count() == 0
