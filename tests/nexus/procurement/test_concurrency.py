"""Concurrent postings on PostgreSQL: the order's lock makes the tolerance hold for every receipt."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.core.models import Currency
from nexus.inventory.models import StockAvailability
from nexus.inventory.services import check_stock_ledger
from nexus.procurement.models import GoodsReceipt, PurchaseOrderLine, PurchaseOrderStatus
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.tenancy.models import Role
from tests.helpers.concurrency import run_in_parallel

from .conftest import make_site, member
from .helpers import order_lines, refreshed, sent_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dollars() -> None:
    """The currency the documents use (a transactional test's flush empties the seeded table)."""
    Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})


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
