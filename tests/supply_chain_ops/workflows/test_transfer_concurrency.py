"""Receipts and approvals racing on PostgreSQL: never more received than shipped, nor reserved than free."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.inventory.models import StockAvailability
from nexus.inventory.services import check_stock_ledger
from supply_chain_ops.models import TransferOrder, TransferOrderStatus
from supply_chain_ops.workflows import transfers
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.transfer_site import draft, line_figures, make_transfer_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_eight_receipts_of_four_against_thirty_in_transit_receive_seven_and_refuse_one():
    site = make_transfer_site()
    with scope.tenant(site.tenant):
        order = draft(site, (site.bolt, "30"))
        order = transfers.ship(transfers.approve(order, actor=site.planner), actor=site.clerk)
        line_id = order.lines.get().pk

    def receive(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            transfers.receive(order.pk, {line_id: Decimal(4)}, actor=site.clerk)

    outcomes = run_in_parallel(receive, 8)

    assert sum(o.ok for o in outcomes) == 7
    refusals = [o.error for o in outcomes if not o.ok]
    assert [isinstance(e, Conflict) and e.code == "over_receipt" for e in refusals] == [True]
    with scope.tenant(site.tenant):
        received = TransferOrder.objects.get(pk=order.pk)
        assert received.status == TransferOrderStatus.PARTIALLY_RECEIVED
        assert line_figures(received) == [("BOLT-10", Decimal("30.0000"), Decimal("28.0000"), Decimal(0))]
        assert check_stock_ledger() == []


def test_approvals_racing_for_the_same_stock_reserve_no_more_than_is_free():
    site = make_transfer_site()
    with scope.tenant(site.tenant):
        orders = [draft(site, (site.bolt, "30")).pk for _ in range(6)]

    def approve(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            transfers.approve(orders[index], actor=site.planner)

    outcomes = run_in_parallel(approve, 6)

    assert sum(o.ok for o in outcomes) == 3  # 100 on hand: three times 30
    assert all(isinstance(o.error, Conflict) for o in outcomes if not o.ok)
    with scope.tenant(site.tenant):
        assert StockAvailability.objects.get(product=site.bolt, warehouse=site.berlin).reserved == Decimal(90)
        assert TransferOrder.objects.filter(status=TransferOrderStatus.APPROVED).count() == 3
        assert check_stock_ledger() == []
