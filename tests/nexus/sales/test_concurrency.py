"""Concurrent confirmations on PostgreSQL: short stock is shared out, never promised twice."""

from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.models import Currency
from nexus.inventory.models import Reservation, StockAvailability
from nexus.inventory.services import check_stock_ledger
from nexus.sales.models import SalesOrder
from nexus.sales.services import confirm_order
from nexus.tenancy.models import Role
from tests.helpers.concurrency import run_in_parallel

from .conftest import make_site, member, stock
from .helpers import draft_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def dollars() -> None:
    """The currency the documents use (a transactional test's flush empties the seeded table)."""
    Currency.objects.get_or_create(code="USD", defaults={"name": "US Dollar", "exponent": 2})


def test_ten_orders_of_three_confirmed_at_once_share_twenty_without_over_reserving():
    site = make_site()
    with scope.tenant(site.tenant):
        seller = member(site.tenant, Role.SALES, "sales@acme.example")
        stock(site.stock_a, site.bolt, "20", "1")
        orders = [draft_order(site, (site.bolt, "3")).pk for _ in range(10)]

    def confirm(index: int) -> SalesOrder:
        with scope.tenant(site.tenant.pk):
            confirmed: SalesOrder = confirm_order(orders[index], actor=seller).instance
            return confirmed

    outcomes = run_in_parallel(confirm, 10)

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    with scope.tenant(site.tenant):
        held = sorted(Reservation.objects.values_list("quantity", flat=True))
        # Six orders get 3 each (18), one gets the last 2, three get nothing.
        assert held == [Decimal(2)] + [Decimal(3)] * 6
        assert StockAvailability.objects.get(product=site.bolt).reserved == Decimal(20)
        assert check_stock_ledger() == []
