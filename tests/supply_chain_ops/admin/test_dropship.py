"""Dropship orders in the admin: the list, lines with their purchase orders, picking a vendor, queues."""

import pytest

from nexus.core.admin.queues import work_queues
from supply_chain_ops.models import DropshipOrder, DropshipStatus
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of, save_buttons
from tests.supply_chain_ops.dropship_site import dropship_site, opened

pytestmark = pytest.mark.django_db
__all__ = ["dropship_site"]

ADMIN = "/admin/supply_chain_ops/dropshiporder"


def test_the_page_shows_each_line_with_its_purchase_order_and_vendor_shipments(dropship_site):
    site = dropship_site
    order = dropship.send(opened(site, (site.desk, "2", True), (site.lamp, "1", True)), actor=site.buyer)
    desk = order.lines.get(sku="DESK-1")
    dropship.record_vendor_shipment(
        order,
        [ShippedLine(sales_order_line=desk.sales_order_line_id)],
        tracking_number="1Z77",
        actor=site.buyer,
    )
    browser = TenantAdminClient(site.buyer, site.tenant)

    listing = browser.get(f"{ADMIN}/")
    page = browser.get(f"{ADMIN}/{order.pk}/change/")

    assert listing.status_code == 200
    assert order.number in listing.content.decode()
    content = page.content.decode()
    assert page.status_code == 200
    assert desk.purchase_order is not None
    for text in ("DESK-1", "LAMP-2", "ACME", "BETA", desk.purchase_order.number, "1Z77: 2", "Hafenstr. 1"):
        assert text in content
    assert "Pick vendor" not in content
    assert save_buttons(page) == []


def test_a_buyer_picks_a_vendor_from_the_exception_queue_and_resumes(dropship_site):
    site = dropship_site
    order = opened(site, (site.chair, "1", True))
    line = order.lines.get()
    browser = TenantAdminClient(site.buyer, site.tenant)
    queue = {q.key: q for q in work_queues.queues()}["supply_chain.dropship_exceptions"]
    assert [row.pk for row in queue.queryset(None)] == [order.pk]  # type: ignore[arg-type]
    assert order.number in browser.get(queue.url()).content.decode()

    page = browser.get(f"{ADMIN}/{order.pk}/change/").content.decode()
    assert "Pick vendor" in page
    form = browser.get(f"{ADMIN}/{order.pk}/lines/{line.pk}/pick-vendor/")
    assert form.status_code == 200
    picked = browser.post(f"{ADMIN}/{order.pk}/lines/{line.pk}/pick-vendor/", {"vendor": site.beta.pk})
    assert picked.status_code == 302
    assert [level for level, _ in messages_of(picked)] == ["success"]
    resumed = browser.post(f"{ADMIN}/{order.pk}/transition/resume/", {"idempotency_key": "r1"})

    assert resumed.status_code == 302
    assert DropshipOrder.objects.get(pk=order.pk).status == DropshipStatus.PURCHASE_ORDERS_CREATED


def test_a_sales_clerk_sees_but_cannot_pick(dropship_site):
    site = dropship_site
    order = opened(site, (site.chair, "1", True))
    browser = TenantAdminClient(site.seller, site.tenant)

    assert browser.get(f"{ADMIN}/{order.pk}/change/").status_code == 200
    response = browser.post(
        f"{ADMIN}/{order.pk}/lines/{order.lines.get().pk}/pick-vendor/", {"vendor": site.beta.pk}
    )
    assert response.status_code == 403
    assert DropshipOrder.objects.get(pk=order.pk).lines.get().vendor_id is None
