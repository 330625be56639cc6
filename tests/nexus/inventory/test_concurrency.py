"""Concurrent reservations and moves on PostgreSQL: no over-reservation, no lost update."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.errors import Conflict
from nexus.inventory import services
from nexus.inventory.models import Reservation, StockAvailability, StockBalance, StockMove
from nexus.inventory.services import ReservationRequest
from tests.helpers.concurrency import run_in_parallel
from tests.nexus.inventory.conftest import ACTOR, Site, make_site

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture
def committed_site() -> Site:
    return make_site()


def test_forty_threads_reserving_one_of_ten_give_ten_holds_and_thirty_refusals(committed_site):
    site = committed_site
    with scope.tenant(site.tenant):
        services.receive(site.product.pk, site.stock.pk, 10, "1.00", actor=ACTOR)

    def reserve_one(index: int) -> Reservation:
        with scope.tenant(site.tenant.pk):
            request = ReservationRequest(
                site.product.pk,
                site.warehouse.pk,
                1,
                dt.date(2026, 12, 1),
                site.line,
            )
            return services.reserve(request, actor=ACTOR)

    outcomes = run_in_parallel(reserve_one, 40)

    held = [o.value for o in outcomes if o.ok]
    refused = [o.error for o in outcomes if isinstance(o.error, Conflict)]
    assert len(held) == 10
    assert len(refused) == 30
    assert all(error.code == "insufficient_stock" for error in refused)
    assert all(
        error.detail.startswith("Cannot reserve 1 pcs of BOLT-10 in BER1: 0 free") for error in refused
    )
    with scope.tenant(site.tenant):
        assert Reservation.objects.filter(state="held").count() == 10
        pool = StockAvailability.objects.get()
        assert (pool.on_hand_sellable, pool.reserved) == (D(10), D(10))
        assert services.check_stock_ledger() == []


def test_concurrent_receipts_into_a_new_location_lose_no_update(committed_site):
    site = committed_site

    def receive_one(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            # every thread finds the availability and balance rows missing at first
            services.receive(site.product.pk, site.stock.pk, 1, D(index + 1), actor=ACTOR)

    outcomes = run_in_parallel(receive_one, 20)

    assert [o.error for o in outcomes if not o.ok] == []
    with scope.tenant(site.tenant):
        pool = StockAvailability.objects.get()
        # 1 unit at each of 1.00, 2.00, ... 20.00: 210.00 for 20 units
        assert (pool.on_hand, pool.on_hand_sellable, pool.value) == (D(20), D(20), D(210))
        assert StockBalance.objects.get().on_hand == D(20)
        assert services.check_stock_ledger() == []


def test_concurrent_issues_never_take_more_than_is_there(committed_site):
    site = committed_site
    with scope.tenant(site.tenant):
        services.receive(site.product.pk, site.stock.pk, 5, "2.00", actor=ACTOR)

    def take_one(index: int) -> None:
        with scope.tenant(site.tenant.pk):
            if index % 2:
                services.issue(site.product.pk, site.stock.pk, 1, actor=ACTOR)
            else:
                services.transfer(site.product.pk, site.stock.pk, site.other_stock.pk, 1, actor=ACTOR)

    outcomes = run_in_parallel(take_one, 16)

    assert sum(o.ok for o in outcomes) == 5
    assert all(isinstance(o.error, Conflict) for o in outcomes if not o.ok)
    with scope.tenant(site.tenant):
        assert StockMove.objects.count() == 1 + 5
        assert StockAvailability.objects.get(warehouse=site.warehouse).on_hand == 0
        assert services.check_stock_ledger() == []
