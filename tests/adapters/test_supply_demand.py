"""The combined supply and demand by day, by a hand-worked example, in a fixed number of queries."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from itertools import accumulate

import pytest

from adapters.supply_demand import daily_totals, supply_demand
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.inventory.services import ReservationRequest, SupplyDemandRow, receive, reserve
from nexus.procurement.models import PurchaseOrderLine
from nexus.sales.services import confirm_order
from nexus.tenancy.models import Role
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory, reservation_source
from tests.factories.people import MembershipFactory, TenantFactory
from tests.factories.procurement import PurchaseOrderFactory, PurchaseOrderLineFactory
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory

pytestmark = pytest.mark.django_db

ACTOR = ActorRef.system("tests")
START = dt.date(2026, 7, 1)
END = dt.date(2026, 7, 31)


@pytest.fixture
def tenant(db: None) -> Iterator:
    made = TenantFactory.create(slug="acme")
    with scope.tenant(made):
        yield made


def test_on_hand_reservations_purchases_and_sales_by_day(tenant, django_assert_num_queries):
    """BOLT in BER1, July 2026, hand-worked:

    - on hand 10 (1 July);
    - a transfer reservation of 2 required 8 July;
    - a purchase of 20 (5 received of 25) expected 15 July;
    - a sales order of 12 promised 12 July: 8 reserved (what was free), 4 unreserved.

    Projected balance: 1 July 10; 8 July 8; 12 July 8 - 8 - 4 = -4; 15 July 16.
    """
    buyer = MembershipFactory.create(tenant=tenant, role=Role.PURCHASER).user
    seller = MembershipFactory.create(tenant=tenant, role=Role.SALES).user
    warehouse = WarehouseFactory.create(code="BER1")
    other = WarehouseFactory.create(code="HAM1")
    stock_location = LocationFactory.create(warehouse=warehouse, code="STOCK")
    bolt = ProductFactory.create(sku="BOLT-10")
    unrelated = ProductFactory.create(sku="NUT-10")
    receive(bolt.pk, stock_location.pk, 10, 1, actor=ACTOR)
    reserve(
        # a transfer line of a workflow still to come (a registered stand-in)
        ReservationRequest(bolt.pk, warehouse.pk, 2, dt.date(2026, 7, 8), reservation_source()),
        actor=ACTOR,
    )
    order = PurchaseOrderFactory.create(warehouse=warehouse)
    line = PurchaseOrderLineFactory.create(
        order=order, product=bolt, quantity=Decimal(25), expected_date=dt.date(2026, 7, 15)
    )
    perform_transition(order, "send", actor=buyer)
    PurchaseOrderLine.objects.filter(pk=line.pk).update(received_quantity=Decimal(5))
    sale = SalesOrderFactory.create(warehouse=warehouse)
    SalesOrderLineFactory.create(
        order=sale, product=bolt, quantity=Decimal(12), requested_date=dt.date(2026, 7, 12)
    )
    confirm_order(sale, actor=seller)

    with django_assert_num_queries(5):
        rows = supply_demand([bolt.pk, unrelated.pk], [warehouse.pk, other.pk], START, END)
    with django_assert_num_queries(1):
        totals = daily_totals([bolt.pk, unrelated.pk], [warehouse.pk, other.pk], START, END)

    wh = warehouse.pk
    assert rows == [
        SupplyDemandRow(bolt.pk, wh, dt.date(2026, 7, 1), "on_hand", Decimal("10.0000")),
        SupplyDemandRow(bolt.pk, wh, dt.date(2026, 7, 8), "reservation", Decimal("-2.0000")),
        SupplyDemandRow(bolt.pk, wh, dt.date(2026, 7, 12), "reservation", Decimal("-8.0000")),
        SupplyDemandRow(bolt.pk, wh, dt.date(2026, 7, 12), "sales", Decimal("-4.0000")),
        SupplyDemandRow(bolt.pk, wh, dt.date(2026, 7, 15), "purchase", Decimal("20.0000")),
    ]
    assert list(accumulate(row.quantity for row in rows)) == [
        Decimal(10),
        Decimal(8),
        Decimal(0),
        Decimal(-4),
        Decimal(16),
    ]
    # The same sums as arrays: (product, warehouse, day, supply, demand, stock), quantities in
    # ten-thousandths; the sales line's reserved 8 is its reservation, only 4 is sales demand.
    cells = sorted(
        zip(
            totals.product_id.tolist(),
            totals.warehouse_id.tolist(),
            totals.day.tolist(),
            totals.supply.tolist(),
            totals.demand.tolist(),
            totals.stock.tolist(),
            strict=True,
        )
    )
    assert cells == [
        (bolt.pk, wh, 0, 100_000, 0, 100_000),
        (bolt.pk, wh, 7, 0, 20_000, 0),
        (bolt.pk, wh, 11, 0, 40_000, 0),
        (bolt.pk, wh, 11, 0, 80_000, 0),
        (bolt.pk, wh, 14, 200_000, 0, 0),
    ]


def test_the_query_count_does_not_grow_with_products_and_warehouses(tenant, django_assert_max_num_queries):
    warehouses = [WarehouseFactory.create() for _ in range(3)]
    products = [ProductFactory.create() for _ in range(20)]
    for warehouse in warehouses:
        location = LocationFactory.create(warehouse=warehouse)
        for product in products:
            receive(product.pk, location.pk, 3, 1, actor=ACTOR)

    with django_assert_max_num_queries(5):
        rows = supply_demand([p.pk for p in products], [w.pk for w in warehouses], START, END)
    with django_assert_max_num_queries(1):
        totals = daily_totals([p.pk for p in products], [w.pk for w in warehouses], START, END)

    assert len(rows) == 60
    assert (len(totals.product_id), int(totals.stock.sum())) == (60, 60 * 30_000)
