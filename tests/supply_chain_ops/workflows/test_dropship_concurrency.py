"""Vendor notices and a cancellation racing on PostgreSQL: nothing ships twice, nothing is lost."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.sales.models import SalesOrderLine, Shipment
from supply_chain_ops.models import DropshipOrder, DropshipShipment, DropshipStatus
from supply_chain_ops.workflows import dropship
from supply_chain_ops.workflows.dropship import ShippedLine
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.dropship_site import make_dropship_site, opened

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_four_notices_with_their_own_tracking_numbers_for_one_line_ship_it_once():
    site = make_dropship_site()
    with scope.tenant(site.tenant):
        order = dropship.send(opened(site, (site.desk, "2", True)), actor=site.buyer)
        sales_line = order.lines.get().sales_order_line_id

    def notice(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            dropship.record_vendor_shipment(
                order.pk,
                [ShippedLine(sales_order_line=sales_line)],
                tracking_number=f"1Z{index}",
                actor=site.buyer,
            )

    outcomes = run_in_parallel(notice, 4)

    assert sum(o.ok for o in outcomes) == 1
    assert all(isinstance(o.error, Conflict) for o in outcomes if not o.ok)
    with scope.tenant(site.tenant):
        assert DropshipOrder.objects.get(pk=order.pk).status == DropshipStatus.SHIPPED
        assert (Shipment.objects.count(), DropshipShipment.objects.count()) == (1, 1)
        assert SalesOrderLine.objects.get(pk=sales_line).shipped_quantity == Decimal(2)


def test_the_same_notice_sent_four_times_at_once_ships_once():
    site = make_dropship_site()
    with scope.tenant(site.tenant):
        order = dropship.send(opened(site, (site.desk, "2", True), (site.lamp, "1", True)), actor=site.buyer)
        sales_line = order.lines.get(sku="DESK-1").sales_order_line_id

    def notice(index: int) -> bool:
        with scope.tenant(site.tenant.pk):
            return dropship.record_vendor_shipment(
                order.pk, [ShippedLine(sales_order_line=sales_line)], tracking_number="1Z", actor=site.buyer
            ).replayed

    outcomes = run_in_parallel(notice, 4)

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sorted(o.value for o in outcomes) == [False, True, True, True]
    with scope.tenant(site.tenant):
        assert Shipment.objects.count() == 1
        assert DropshipOrder.objects.get(pk=order.pk).status == DropshipStatus.PARTIALLY_SHIPPED
