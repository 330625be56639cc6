"""Transfer orders in the admin: the list, receiving the rest from the page, the dashboard queues."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.admin.queues import work_queues
from supply_chain_ops.models import TransferOrder, TransferOrderStatus
from supply_chain_ops.workflows import transfers
from tests.nexus.procurement.helpers import TenantAdminClient, messages_of, save_buttons
from tests.supply_chain_ops.transfer_site import draft, line_figures, transfer_site

pytestmark = pytest.mark.django_db
__all__ = ["transfer_site"]

ADMIN = "/admin/supply_chain_ops/transferorder"


def shipped(site, *lines):
    return transfers.ship(transfers.approve(draft(site, *lines), actor=site.planner), actor=site.clerk)


def test_the_list_and_the_page_show_the_transfer_and_its_lines(transfer_site):
    site = transfer_site
    order = shipped(site, (site.bolt, "30"))
    browser = TenantAdminClient(site.clerk, site.tenant)

    listing = browser.get(f"{ADMIN}/")
    page = browser.get(f"{ADMIN}/{order.pk}/change/")

    assert listing.status_code == 200
    assert order.number in listing.content.decode()
    assert page.status_code == 200
    content = page.content.decode()
    assert "BOLT-10" in content
    assert "Receive the rest" in content
    assert "Receive part" not in content
    assert save_buttons(page) == []
    a_draft = draft(site, (site.bolt, "1"))
    assert save_buttons(browser.get(f"{ADMIN}/{a_draft.pk}/change/")) == ["_save", "_continue"]


def test_receiving_the_rest_from_the_page_brings_everything_in(transfer_site):
    site = transfer_site
    order = shipped(site, (site.bolt, "30"))
    transfers.receive(order, {order.lines.get().pk: "10"}, actor=site.clerk)
    browser = TenantAdminClient(site.clerk, site.tenant)

    response = browser.post(f"{ADMIN}/{order.pk}/transition/receive_all/", {"idempotency_key": "k"})

    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["success"]
    received = TransferOrder.objects.get(pk=order.pk)
    assert received.status == TransferOrderStatus.RECEIVED
    assert line_figures(received) == [("BOLT-10", Decimal("30.0000"), Decimal("30.0000"), Decimal(0))]


def test_the_queues_count_drafts_to_approve_transfers_in_transit_and_overdue_ones(transfer_site, rf):
    site = transfer_site
    draft(site, (site.bolt, "1"))
    on_time = shipped(site, (site.bolt, "2"))
    late = shipped(site, (site.oil, "1"))
    TransferOrder.objects.filter(pk=late.pk).update(
        expected_date=dt.date(2020, 1, 2), ship_date=dt.date(2020, 1, 1)
    )
    TransferOrder.objects.filter(pk=on_time.pk).update(expected_date=dt.date(2099, 1, 2))
    queues = {queue.key: queue for queue in work_queues.queues()}
    request = rf.get("/admin/")
    request.user = site.planner

    counts = {
        key: queues[key].queryset(request).count()
        for key in (
            "supply_chain.transfers_to_approve",
            "supply_chain.transfers_in_transit",
            "supply_chain.transfers_overdue",
        )
    }

    assert counts == {
        "supply_chain.transfers_to_approve": 1,
        "supply_chain.transfers_in_transit": 2,
        "supply_chain.transfers_overdue": 1,
    }
    overdue = TenantAdminClient(site.clerk, site.tenant).get(queues["supply_chain.transfers_overdue"].url())
    assert overdue.status_code == 200
    assert late.number in overdue.content.decode()
    assert on_time.number not in overdue.content.decode()
