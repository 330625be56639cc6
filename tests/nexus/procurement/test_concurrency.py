"""Concurrency on PostgreSQL: postings share the order's tolerance; edits never undo a transition.

An edit (``PATCH``) sent together with a transition of the same document takes the row's lock
before it reads it, so either it lands first and the transition follows, or it finds the
document moved on and is refused (409) — never does it write the draft back over the posting.
"""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.core.models import Currency, TransitionLog
from nexus.inventory.models import MoveReason, StockAvailability, StockMove
from nexus.inventory.services import check_stock_ledger
from nexus.procurement.models import GoodsReceipt, PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from tests.helpers.concurrency import run_in_parallel
from tests.helpers.races import assert_ledger_and_audit_chain_clean, race

from .conftest import make_site, member
from .helpers import TenantAPIClient, draft_order, order_lines, refreshed, sent_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dollars() -> None:
    """The currency the documents use (a transactional test's flush empties the seeded table)."""
    Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    """Start with no tenant and restore the scope after: an API client leaves its tenant selected."""
    with scope.tenant(None):
        yield


def test_eight_receipts_of_four_against_ten_ordered_post_two_and_refuse_six():
    site = make_site()
    with scope.tenant(site.tenant):
        buyer = member(site.tenant, Role.PURCHASER, "buyer@acme.example")
        clerk = member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")
        order = sent_order(site, buyer, (site.bolt, "10", "2"))
        (line,) = order_lines(order)
        receipts = [draft_receipt(order, quantities={line.pk: Decimal(4)}).pk for _ in range(8)]

    def post(index: int) -> GoodsReceipt:
        with scope.tenant(site.tenant.pk):
            posted: GoodsReceipt = post_receipt(receipts[index], actor=clerk).instance
            return posted

    outcomes = run_in_parallel(post, 8)

    refused = [o.error for o in outcomes if isinstance(o.error, Conflict)]
    assert sum(o.ok for o in outcomes) == 2
    assert len(refused) == 6
    assert all(error.code == "over_receipt" for error in refused)
    with scope.tenant(site.tenant):
        assert PurchaseOrderLine.objects.get(pk=line.pk).received_quantity == Decimal(8)
        assert StockAvailability.objects.get(product=site.bolt).on_hand == Decimal(8)
        assert refreshed(order).status == PurchaseOrderStatus.PARTIALLY_RECEIVED
        assert check_stock_ledger() == []


# -- an edit racing a transition ------------------------------------------------------------

ROUNDS = 20


def test_a_receipt_edited_while_it_is_posted_is_posted_once_and_stays_posted():
    site = make_site()
    with scope.tenant(site.tenant):
        buyer = member(site.tenant, Role.PURCHASER, "buyer@acme.example")
        clerk = member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")
        order = sent_order(site, buyer, (site.bolt, str(4 * ROUNDS), "2"))
        (line,) = order_lines(order)
        receipts = [draft_receipt(order, quantities={line.pk: Decimal(4)}).pk for _ in range(ROUNDS)]

    for pk in receipts:
        url = f"/api/v1/goods-receipts/{pk}/"
        edit, post = race(
            lambda url=url: TenantAPIClient(clerk, site.tenant).patch(url, {"notes": "x"}, format="json"),  # type: ignore[misc]
            lambda url=url: TenantAPIClient(clerk, site.tenant).post(f"{url}post/", {}, format="json"),  # type: ignore[misc]
        )
        assert post.status_code == 200, post.json()
        assert edit.status_code in (200, 409), edit.json()
        again = TenantAPIClient(clerk, site.tenant).post(f"{url}post/", {}, format="json")
        assert again.status_code == 409, again.json()

    with scope.tenant(site.tenant):
        assert set(GoodsReceipt.objects.values_list("status", flat=True)) == {"posted"}
        assert StockMove.objects.filter(reason=MoveReason.RECEIPT).count() == ROUNDS
        assert PurchaseOrderLine.objects.get(pk=line.pk).received_quantity == Decimal(4 * ROUNDS)
    assert_ledger_and_audit_chain_clean(site.tenant.slug)


def test_an_order_edited_while_it_is_sent_stays_sent_as_its_log_says():
    site = make_site()
    with scope.tenant(site.tenant):
        buyer = member(site.tenant, Role.PURCHASER, "buyer@acme.example")
        orders = [draft_order(site, (site.bolt, "10", "2")).pk for _ in range(ROUNDS)]

    for pk in orders:
        url = f"/api/v1/purchase-orders/{pk}/"
        edit, send = race(
            lambda url=url: TenantAPIClient(buyer, site.tenant).patch(url, {"notes": "x"}, format="json"),  # type: ignore[misc]
            lambda url=url: TenantAPIClient(buyer, site.tenant).post(f"{url}send/", {}, format="json"),  # type: ignore[misc]
        )
        assert send.status_code == 200, send.json()
        assert edit.status_code in (200, 409), edit.json()
        assert TenantAPIClient(buyer, site.tenant).post(f"{url}send/", {}, format="json").status_code == 409

    with scope.tenant(site.tenant):
        assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {PurchaseOrderStatus.SENT}
        logs = TransitionLog.objects.filter(object_type="procurement.purchaseorder")
        assert sorted(logs.values_list("object_id", "to_state")) == sorted((str(pk), "sent") for pk in orders)
    assert_ledger_and_audit_chain_clean(site.tenant.slug)
