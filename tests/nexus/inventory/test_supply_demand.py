"""Supply and demand by day, set-based: a hand-worked example and a constant query count."""

import datetime as dt
from decimal import Decimal

from nexus.inventory import services
from nexus.inventory.models import LocationKind
from nexus.inventory.services import ReservationRequest, SupplyDemandRow
from tests.factories.inventory import LocationFactory, ProductFactory, WarehouseFactory, reservation_source
from tests.nexus.inventory.conftest import ACTOR

D = Decimal
START, END = dt.date(2026, 12, 1), dt.date(2026, 12, 31)


def test_on_hand_now_and_reservations_by_required_date(site):
    p, w = site.product.pk, site.warehouse.pk
    services.receive(p, site.stock.pk, 20, "1.00", actor=ACTOR)
    services.receive(p, site.hold.pk, 5, "1.00", actor=ACTOR)  # not sellable: no supply
    services.receive(p, site.other_stock.pk, 7, "1.00", actor=ACTOR)
    reserve = services.reserve
    line = {n: reservation_source() for n in range(1, 7)}
    reserve(ReservationRequest(p, w, 3, dt.date(2026, 11, 20), line[1]), actor=ACTOR)  # overdue: dated START
    reserve(ReservationRequest(p, w, 4, dt.date(2026, 12, 10), line[2]), actor=ACTOR)
    reserve(ReservationRequest(p, w, 2, dt.date(2026, 12, 10), line[3]), actor=ACTOR)
    reserve(ReservationRequest(p, w, 1, dt.date(2027, 1, 5), line[4]), actor=ACTOR)  # after END: left out
    released = reserve(ReservationRequest(p, w, 5, dt.date(2026, 12, 12), line[5]), actor=ACTOR)
    services.release(released.pk, actor=ACTOR)
    reserve(ReservationRequest(p, w, 5, dt.date(2026, 12, 15), line[6]), actor=ACTOR)
    services.issue(p, site.stock.pk, 2, consume_reservations_of=line[6], actor=ACTOR)

    rows = services.supply_demand([p], [w, site.other_warehouse.pk], START, END)

    assert rows == [
        SupplyDemandRow(p, w, START, "on_hand", D(18)),  # 20 received, 2 shipped against line 6
        SupplyDemandRow(p, w, START, "reservation", D(-3)),
        SupplyDemandRow(p, w, dt.date(2026, 12, 10), "reservation", D(-6)),  # 4 + 2
        SupplyDemandRow(p, w, dt.date(2026, 12, 15), "reservation", D(-3)),  # 5 less 2 consumed
        SupplyDemandRow(p, site.other_warehouse.pk, START, "on_hand", D(7)),
    ]


def test_many_products_and_warehouses_take_three_queries(site, django_assert_num_queries):
    warehouses = [site.warehouse, *WarehouseFactory.create_batch(4)]
    stocks = [site.stock] + [LocationFactory.create(warehouse=w) for w in warehouses[1:]]
    products = ProductFactory.create_batch(15)
    for product in products:
        for warehouse, stock in zip(warehouses, stocks, strict=True):
            services.receive(product.pk, stock.pk, 5, 1, actor=ACTOR)
            services.reserve(ReservationRequest(product.pk, warehouse.pk, 1, START, site.line), actor=ACTOR)
    with django_assert_num_queries(3):
        rows = services.supply_demand([p.pk for p in products], [w.pk for w in warehouses], START, END)
    assert len(rows) == 15 * 5 * 2
    assert sum(r.quantity for r in rows) == 15 * 5 * (5 - 1)


def test_stock_in_staging_locations_is_supply_of_its_own_kind(site):
    p, w = site.product.pk, site.warehouse.pk
    staging = LocationFactory.create(warehouse=site.warehouse, code="STAGE-1", kind=LocationKind.STAGING)
    services.receive(p, site.stock.pk, 6, "1.00", actor=ACTOR)
    services.receive(p, staging.pk, 4, "1.00", actor=ACTOR)

    rows = services.supply_demand([p], [w], START, END)

    assert rows == [
        SupplyDemandRow(p, w, START, "on_hand", D(6)),
        SupplyDemandRow(p, w, START, "staged", D(4)),
    ]
