"""Concurrency on PostgreSQL: short stock is shared out, never promised twice; edits and deletes
never undo a transition, and a deleted order never leaves its reservations held."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.core import scope
from nexus.core.models import Currency
from nexus.inventory.models import MoveReason, Reservation, ReservationState, StockAvailability, StockMove
from nexus.inventory.services import check_stock_ledger
from nexus.sales.models import SalesOrder, SalesOrderLine, SalesOrderStatus, Shipment, ShipmentStatus
from nexus.sales.services import confirm_order, draft_shipment
from nexus.tenancy.models import Role
from tests.helpers.concurrency import run_in_parallel
from tests.helpers.races import assert_ledger_and_audit_chain_clean, race
from tests.nexus.procurement.helpers import TenantAPIClient

from .conftest import make_site, member, stock
from .helpers import draft_order, order_lines

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


# -- an edit or a delete racing a transition ------------------------------------------------

ROUNDS = 20


def test_an_order_edited_while_it_is_confirmed_stays_confirmed_with_its_reservation():
    site = make_site()
    with scope.tenant(site.tenant):
        seller = member(site.tenant, Role.SALES, "sales@acme.example")
        stock(site.stock_a, site.bolt, str(3 * ROUNDS), "1")
        orders = [draft_order(site, (site.bolt, "3")).pk for _ in range(ROUNDS)]

    for pk in orders:
        url = f"/api/v1/sales-orders/{pk}/"
        edit, confirm = race(
            lambda url=url: TenantAPIClient(seller, site.tenant).patch(url, {"notes": "x"}, format="json"),  # type: ignore[misc]
            lambda url=url: TenantAPIClient(seller, site.tenant).post(f"{url}confirm/", {}, format="json"),  # type: ignore[misc]
        )
        assert confirm.status_code == 200, confirm.json()
        assert edit.status_code in (200, 409), edit.json()
        again = TenantAPIClient(seller, site.tenant).post(f"{url}confirm/", {}, format="json")
        assert again.status_code == 409, again.json()

    with scope.tenant(site.tenant):
        assert set(SalesOrder.objects.values_list("status", flat=True)) == {SalesOrderStatus.CONFIRMED}
        assert Reservation.objects.filter(state=ReservationState.HELD).count() == ROUNDS
        assert StockAvailability.objects.get(product=site.bolt).reserved == Decimal(3 * ROUNDS)
    assert_ledger_and_audit_chain_clean(site.tenant.slug)


def test_an_order_deleted_while_it_is_confirmed_never_leaves_its_reservation_held():
    site = make_site()
    with scope.tenant(site.tenant):
        seller = member(site.tenant, Role.SALES, "sales@acme.example")
        stock(site.stock_a, site.bolt, str(3 * ROUNDS), "1")
        orders = [draft_order(site, (site.bolt, "3")).pk for _ in range(ROUNDS)]

    kept = []
    for pk in orders:
        url = f"/api/v1/sales-orders/{pk}/"
        delete, confirm = race(
            lambda url=url: TenantAPIClient(seller, site.tenant).delete(url),  # type: ignore[misc]
            lambda url=url: TenantAPIClient(seller, site.tenant).post(f"{url}confirm/", {}, format="json"),  # type: ignore[misc]
        )
        if delete.status_code == 204:
            assert confirm.status_code == 404, confirm.json()
        else:
            assert (delete.status_code, confirm.status_code) == (409, 200), delete.json()
            kept.append(pk)

    with scope.tenant(site.tenant):
        assert sorted(SalesOrder.objects.values_list("pk", flat=True)) == sorted(kept)
        held = Reservation.objects.filter(state=ReservationState.HELD)
        lines = SalesOrderLine.objects.filter(order_id__in=kept)
        assert sorted(held.values_list("source_id", flat=True)) == sorted(lines.values_list("pk", flat=True))
        assert StockAvailability.objects.get(product=site.bolt).reserved == Decimal(3 * len(kept))
    assert_ledger_and_audit_chain_clean(site.tenant.slug)


def test_a_shipment_edited_while_it_is_posted_ships_its_goods_once():
    site = make_site()
    with scope.tenant(site.tenant):
        seller = member(site.tenant, Role.SALES, "sales@acme.example")
        clerk = member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")
        stock(site.stock_a, site.bolt, str(2 * ROUNDS), "1")
        order = confirm_order(draft_order(site, (site.bolt, str(2 * ROUNDS))), actor=seller).instance
        (line,) = order_lines(order)
        shipments = [draft_shipment(order, quantities={line.pk: Decimal(2)}).pk for _ in range(ROUNDS)]

    for pk in shipments:
        url = f"/api/v1/shipments/{pk}/"
        edit, post = race(
            lambda url=url: TenantAPIClient(clerk, site.tenant).patch(url, {"carrier": "DHL"}, format="json"),  # type: ignore[misc]
            lambda url=url: TenantAPIClient(clerk, site.tenant).post(f"{url}post/", {}, format="json"),  # type: ignore[misc]
        )
        assert post.status_code == 200, post.json()
        assert edit.status_code in (200, 409), edit.json()
        again = TenantAPIClient(clerk, site.tenant).post(f"{url}post/", {}, format="json")
        assert again.status_code == 409, again.json()

    with scope.tenant(site.tenant):
        assert set(Shipment.objects.values_list("status", flat=True)) == {ShipmentStatus.POSTED}
        assert StockMove.objects.filter(reason=MoveReason.SHIPMENT).count() == ROUNDS
        assert SalesOrderLine.objects.get(pk=line.pk).shipped_quantity == Decimal(2 * ROUNDS)
        assert StockAvailability.objects.get(product=site.bolt).on_hand == Decimal(0)
    assert_ledger_and_audit_chain_clean(site.tenant.slug)
