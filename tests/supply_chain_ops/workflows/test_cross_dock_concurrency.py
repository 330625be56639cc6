"""The same receipt delivered to the cross-docking listener four times at once, on PostgreSQL:
one cross-dock, its goods staged once."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.inventory.models import Reservation, StockAvailability
from nexus.inventory.services import check_stock_ledger
from supply_chain_ops.models import CrossDock
from supply_chain_ops.workflows.cross_docking import cross_dock_receipt
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.cross_dock_site import make_cross_dock_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_four_deliveries_of_one_receipt_at_once_stage_it_once():
    site = make_cross_dock_site()
    with scope.tenant(site.tenant):
        move = site.receive("12")

    def deliver(index: int) -> int | None:
        with scope.tenant(site.tenant.pk):
            made = cross_dock_receipt(move.pk)
            return made.pk if made else None

    outcomes = run_in_parallel(deliver, 4)

    assert all(o.ok for o in outcomes)
    with scope.tenant(site.tenant):
        assert {o.value for o in outcomes} == {CrossDock.objects.get().pk}
        assert Reservation.objects.filter(location=site.staging).count() == 3
        row = StockAvailability.objects.get(product=site.bolt, warehouse=site.warehouse)
        assert (row.on_hand_sellable, row.reserved_staged) == (Decimal(0), Decimal("12.0000"))
        assert check_stock_ledger() == []
