"""Promisers racing for the same product on PostgreSQL: never more promised than ATP allows."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.procurement.models import VendorProduct
from supply_chain_ops.coordinators.atp import AtpRequest, available_to_promise
from supply_chain_ops.models import Promise
from supply_chain_ops.workflows import promises
from tests.helpers.concurrency import run_in_parallel
from tests.supply_chain_ops.atp_site import START, day, line_of, make_atp_site, on_hand, purchase, sales_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_tenant_left_selected() -> Iterator[None]:
    with scope.tenant(None):
        yield


def test_eight_promisers_of_four_against_twenty_within_the_horizon_get_five_atp_promises():
    site = make_atp_site()
    with scope.tenant(site.tenant):
        on_hand(site, "12")
        purchase(site, (5, "8"))
        VendorProduct.objects.all().delete()  # beyond the horizon nothing can be promised
        lines = [line_of(sales_order(site, (1, "4"), confirm=False)).pk for _ in range(8)]

    def promise(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            promises.promise(lines[index], Decimal(4), actor=site.seller, today=START)

    outcomes = run_in_parallel(promise, 8)

    assert sum(o.ok for o in outcomes) == 5
    with scope.tenant(site.tenant):
        made = list(Promise.objects.order_by("promised_date", "id"))
        assert sum(p.quantity for p in made) == Decimal(20)
        assert [p.promised_date for p in made] == [day(1)] * 3 + [day(5)] * 2  # 12 on hand, 8 on day 5
        left = available_to_promise(
            [AtpRequest(site.bolt.pk, Decimal(1), (site.warehouse.pk,))], start=START, horizon_days=30
        )[0]
        assert left.promisable == {site.warehouse.pk: Decimal("0.0000")}
