"""Cross-docks in the admin: the list and the page (read-only), and the staged-goods queue."""

import pytest

from nexus.core.admin.queues import work_queues
from nexus.sales.services import draft_shipment, post_shipment
from supply_chain_ops.models import CrossDock, CrossDockLine
from supply_chain_ops.workflows.cross_docking import cross_dock_receipt
from tests.nexus.procurement.helpers import TenantAdminClient
from tests.supply_chain_ops.cross_dock_site import cross_dock_site

pytestmark = pytest.mark.django_db
__all__ = ["cross_dock_site"]

ADMIN = "/admin/supply_chain_ops/crossdock"


def test_the_list_and_the_page_show_what_went_to_which_order(cross_dock_site):
    site = cross_dock_site
    cross_dock = cross_dock_receipt(site.receive("12").pk)
    assert cross_dock is not None
    browser = TenantAdminClient(site.clerk, site.tenant)

    listing = browser.get(f"{ADMIN}/?waiting=yes")
    page = browser.get(f"{ADMIN}/{cross_dock.pk}/change/")

    assert listing.status_code == 200
    assert cross_dock.number in listing.content.decode()
    assert page.status_code == 200
    content = page.content.decode()
    for order in site.orders:
        assert order.number in content
    assert browser.get(f"{ADMIN}/add/").status_code == 403


def test_the_queue_counts_cross_docks_with_staged_goods_waiting(cross_dock_site, rf):
    site = cross_dock_site
    cross_dock_receipt(site.receive("5").pk)  # all for the oldest promise
    second = cross_dock_receipt(site.receive("6").pk)
    assert second is not None
    post_shipment(draft_shipment(site.orders[1]), actor=site.clerk)
    CrossDockLine.objects.filter(sales_order_line_id=site.line(1).pk).update(shipped_quantity=5)
    queue = next(q for q in work_queues.queues() if q.key == "supply_chain.staged_goods_waiting")
    request = rf.get("/admin/")
    request.user = site.clerk

    assert list(queue.queryset(request)) == [second]
    assert CrossDock.objects.count() == 2
