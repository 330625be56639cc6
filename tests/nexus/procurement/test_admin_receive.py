"""Entering purchase orders without friction: the tenant's currency, and "Receive" on the order's page."""

from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.procurement.models import GoodsReceipt, GoodsReceiptStatus
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Tenant

from .helpers import TenantAdminClient, draft_order, messages_of, order_lines, sent_order

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def browser(site, admin_user) -> TenantAdminClient:
    return TenantAdminClient(admin_user, site.tenant)


def receive_url(order) -> str:
    return f"/admin/procurement/purchaseorder/{order.pk}/follow-up/receive/"


def test_a_new_order_starts_in_the_tenants_currency(browser, site):
    Tenant.objects.filter(pk=site.tenant.pk).update(default_currency="EUR")

    page = browser.get("/admin/procurement/purchaseorder/add/")

    assert page.context["adminform"].form.initial["currency"] == "EUR"


def test_a_sent_order_offers_receive_and_a_draft_does_not(browser, site, purchaser):
    sent = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    draft = draft_order(site, (site.bolt, "1", "1"))

    offered = browser.get(f"/admin/procurement/purchaseorder/{sent.pk}/change/")
    not_offered = browser.get(f"/admin/procurement/purchaseorder/{draft.pk}/change/")

    assert [b["label"] for b in offered.context["follow_up_buttons"]] == ["Receive"]
    assert f'action="{receive_url(sent)}"' in offered.content.decode()
    assert not_offered.context["follow_up_buttons"] == []


def test_receive_drafts_the_open_lines_and_opens_the_receipt(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"), (site.oil, "5", "2"))
    first, second = order_lines(order)
    post_receipt(draft_receipt(order, quantities={first.pk: Decimal(4)}), actor=purchaser)

    response = browser.post(receive_url(order))

    receipt = GoodsReceipt.objects.get(status=GoodsReceiptStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/procurement/goodsreceipt/{receipt.pk}/change/"
    assert sorted((line.purchase_order_line_id, line.quantity) for line in receipt.lines.all()) == [
        (first.pk, Decimal(6)),
        (second.pk, Decimal(5)),
    ]
    assert messages_of(response) == [
        (
            "success",
            f'Drafted <a href="/admin/procurement/goodsreceipt/{receipt.pk}/change/">{receipt.number}</a> '
            f'for <a href="/admin/procurement/purchaseorder/{order.pk}/change/">{order.number}</a> '
            "with every open line; count the goods, then post it.",
        )
    ]


def test_pressing_receive_again_opens_the_waiting_draft(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    browser.post(receive_url(order))

    again = browser.post(receive_url(order))

    receipt = GoodsReceipt.objects.get()
    assert again["Location"] == f"/admin/procurement/goodsreceipt/{receipt.pk}/change/"
    assert messages_of(again)[-1][0] == "info"
    assert "was already waiting for" in messages_of(again)[-1][1]


def test_receive_on_a_fully_received_order_is_refused_and_drafts_nothing(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))
    post_receipt(draft_receipt(order), actor=purchaser)

    response = browser.post(receive_url(order))

    assert response["Location"] == f"/admin/procurement/purchaseorder/{order.pk}/change/"
    assert messages_of(response)[-1][0] == "error"
    assert GoodsReceipt.objects.filter(status=GoodsReceiptStatus.DRAFT).count() == 0


def test_receive_by_someone_who_may_not_draft_receipts_is_forbidden(site, purchaser, accountant):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))

    response = TenantAdminClient(accountant, site.tenant).post(receive_url(order))

    assert response.status_code == 403
    assert GoodsReceipt.objects.count() == 0


def test_a_get_of_the_receive_address_drafts_nothing(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))

    response = browser.get(receive_url(order))

    assert response["Location"] == f"/admin/procurement/purchaseorder/{order.pk}/change/"
    assert GoodsReceipt.objects.count() == 0


def test_drafting_from_the_list_links_each_receipt(browser, site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4.25"))

    response = browser.post(
        "/admin/procurement/purchaseorder/", {"action": "draft_receipts", "_selected_action": [order.pk]}
    )

    receipt = GoodsReceipt.objects.get()
    assert messages_of(response) == [
        (
            "success",
            f'Drafted <a href="/admin/procurement/goodsreceipt/{receipt.pk}/change/">{receipt.number}</a>; '
            "post them after counting the goods.",
        )
    ]
