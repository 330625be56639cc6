"""A product's available-to-promise chart read in Chromium: opened from the product page (titled
with its trail back to the product), a quantity and a warehouse typed, the promise and the chart
shown (the user guide's screenshot)."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.transitions import perform_transition
from nexus.sales.services import confirm_order
from tests.factories.procurement import PurchaseOrderFactory, PurchaseOrderLineFactory
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory
from tests.supply_chain_ops.atp_site import AtpSite, make_atp_site, on_hand

from .conftest import guide_screenshot, sign_in

pytestmark = pytest.mark.browser


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def plan(site: AtpSite) -> None:
    """4 bolts on hand in BER1, 8 sold for delivery in 5 days, 20 bought arriving in 10."""
    on_hand(site, "4")
    order = PurchaseOrderFactory.create(vendor=site.vendor, warehouse=site.warehouse)
    PurchaseOrderLineFactory.create(
        order=order, product=site.bolt, quantity=Decimal(20), unit_price=Decimal(2), expected_date=in_days(10)
    )
    perform_transition(order, "send", actor=site.purchaser)
    sale = SalesOrderFactory.create(customer=site.customer, warehouse=site.warehouse)
    SalesOrderLineFactory.create(
        order=sale, product=site.bolt, quantity=Decimal(8), requested_date=in_days(5)
    )
    confirm_order(sale, actor=site.seller)


def test_reading_a_products_atp_chart_and_its_promise(screen, live_server, currency: Any):
    site = make_atp_site()
    User.objects.filter(pk=site.seller.pk).update(full_name="Sam Sales")
    with scope.tenant(site.tenant):
        plan(site)
    sign_in(screen, live_server, site.seller, site.tenant)
    screen.goto(f"{live_server.url}/admin/inventory/product/{site.bolt.pk}/change/")

    screen.get_by_role("link", name="Available to promise").click()
    expect(screen).to_have_title(re.compile("^Available to promise: BOLT-10"))
    heading = screen.locator("#page-title")
    expect(heading.get_by_role("link")).to_have_text(["Inventory", "Products", "BOLT-10"])
    expect(heading.get_by_text("Available to promise", exact=True)).to_be_visible()
    screen.get_by_label("Quantity").fill("10")
    screen.get_by_label("Warehouse").select_option(label="BER1")
    screen.get_by_role("button", name="Show the promise").click()

    expect(screen.locator("#atp-promise")).to_have_text(
        f"10 pcs on {in_days(10):%b. %-d, %Y} from BER1 (10)", use_inner_text=True
    )
    expect(screen.locator("canvas")).to_be_visible()
    screen.wait_for_timeout(1_500)  # the chart's drawing animation
    guide_screenshot(screen, "atp-chart")
