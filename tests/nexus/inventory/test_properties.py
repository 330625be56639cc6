"""Property: any sequence of stock operations keeps ledger == balances == availability == layers.

Each example runs a random sequence of receipts, issues, transfers, adjustments,
revaluations, reservations, releases and shipments against reservations, in a transaction
rolled back afterwards. Quantities are drawn around what is on hand, so that most operations
succeed and some are refused. After every operation: sellable stock is never negative nor
below what is reserved, a refused operation changed nothing, and the quantities equal a plain
model kept beside them. At the end the ledger check (the one the command runs) finds nothing.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexus.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from nexus.inventory import services
from nexus.inventory.models import (
    CostLayer,
    LocationKind,
    Reservation,
    StockAvailability,
    StockBalance,
    StockMove,
)
from nexus.inventory.services import ReservationRequest
from tests.factories.inventory import ProductFactory, reservation_source
from tests.helpers.transactions import rolled_back
from tests.nexus.inventory.conftest import ACTOR

D = Decimal
DAY = dt.date(2026, 12, 1)
KINDS = ["receive", "issue", "transfer", "adjust", "revalue", "reserve", "release", "ship"]
costs = st.decimals(min_value=0, max_value=50, places=2)


def snapshot() -> tuple:
    return (
        StockMove.objects.count(),
        list(
            StockAvailability.objects.order_by("id").values_list(
                "on_hand_sellable", "reserved", "on_hand", "value"
            )
        ),
        list(StockBalance.objects.order_by("id").values_list("on_hand", "value")),
        list(CostLayer.objects.order_by("id").values_list("quantity_remaining", flat=True)),
        list(Reservation.objects.order_by("id").values_list("state", "consumed_quantity")),
    )


class World:
    """The site under test, and the quantities the operations should leave (kept without the ledger)."""

    def __init__(self, site: Any, products: list[int]) -> None:
        self.products = products
        self.locations = [site.stock, site.staging, site.hold, site.other_stock]
        self.warehouses = [site.warehouse.pk, site.other_warehouse.pk]
        self.on_hand: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        self.reservations: list[int] = []
        self.lines = [reservation_source() for _ in range(3)]

    def sellable(self, product_id: int, warehouse_id: int) -> Decimal:
        return sum(
            (
                self.on_hand[(product_id, loc.pk)]
                for loc in self.locations
                if loc.warehouse_id == warehouse_id and loc.kind == LocationKind.STOCK
            ),
            D(0),
        )

    def around(self, data: st.DataObject, product_id: int, location_id: int) -> int:
        """A quantity up to two more than the location holds (so some requests are refused)."""
        held = int(self.on_hand[(product_id, location_id)])
        return data.draw(st.integers(min_value=1, max_value=held + 2))

    def step(self, data: st.DataObject) -> str:
        """Draw one operation and run it; return what it was (for failure reports)."""
        kind = data.draw(st.sampled_from(KINDS))
        product = data.draw(st.sampled_from(self.products))
        location = data.draw(st.sampled_from(self.locations))
        if kind == "receive":
            quantity = data.draw(st.integers(min_value=1, max_value=30))
            cost = data.draw(costs)
            label = f"receive {quantity} @ {cost} into {location}"
            services.receive(product, location.pk, quantity, cost, actor=ACTOR)
            self.on_hand[(product, location.pk)] += quantity
        elif kind == "issue":
            quantity = self.around(data, product, location.pk)
            label = f"issue {quantity} from {location}"
            services.issue(product, location.pk, quantity, actor=ACTOR)
            self.on_hand[(product, location.pk)] -= quantity
        elif kind == "transfer":
            target = data.draw(st.sampled_from([loc for loc in self.locations if loc != location]))
            quantity = self.around(data, product, location.pk)
            label = f"transfer {quantity} from {location} to {target}"
            services.transfer(product, location.pk, target.pk, quantity, actor=ACTOR)
            self.on_hand[(product, location.pk)] -= quantity
            self.on_hand[(product, target.pk)] += quantity
        elif kind == "adjust":
            up = data.draw(st.booleans())
            quantity = data.draw(st.integers(1, 10)) if up else self.around(data, product, location.pk)
            given_cost = data.draw(costs | st.none()) if up else None
            label = f"adjust {'+' if up else '-'}{quantity} at {location} (cost {given_cost})"
            delta = quantity if up else -quantity
            services.adjust(product, location.pk, delta, note="count", unit_cost=given_cost, actor=ACTOR)
            self.on_hand[(product, location.pk)] += delta
        elif kind == "revalue":
            amount = data.draw(st.decimals(-20, 20, places=2).filter(bool))
            label = f"revalue {amount} at {location}"
            services.revalue(product, location.pk, amount, note="landed cost", actor=ACTOR)
        elif kind == "reserve":
            warehouse = data.draw(st.sampled_from(self.warehouses))
            quantity = data.draw(st.integers(1, int(self.sellable(product, warehouse)) + 2))
            source = data.draw(st.sampled_from(self.lines))
            label = f"reserve {quantity} in {warehouse} for line {source.id}"
            request = ReservationRequest(product, warehouse, quantity, DAY, source)
            self.reservations.append(services.reserve(request, actor=ACTOR).pk)
        elif kind == "release":
            if not self.reservations:
                return "release (none to release)"
            pk = data.draw(st.sampled_from(self.reservations))
            label = f"release reservation {pk}"
            services.release(pk, actor=ACTOR)
        else:
            stock = self.locations[0]
            quantity = self.around(data, product, stock.pk)
            source = data.draw(st.sampled_from(self.lines))
            label = f"ship {quantity} for line {source.id}"
            services.issue(
                product,
                stock.pk,
                quantity,
                consume_reservations_of=source,
                actor=ACTOR,
            )
            self.on_hand[(product, stock.pk)] -= quantity
        return label


@pytest.mark.django_db
@settings(max_examples=50)
@given(data=st.data(), length=st.integers(min_value=1, max_value=12))
def test_random_operations_keep_every_derived_row_equal_to_the_ledger(site, data, length):
    with rolled_back():
        world = World(site, [site.product.pk, ProductFactory.create(sku="NUT-5").pk])
        done: list[str] = []
        for _ in range(length):
            before = snapshot()
            try:
                done.append(world.step(data))
            except (Conflict, InvalidInput, TransitionNotAllowed) as refused:
                done.append(f"refused: {refused.detail}")
                assert snapshot() == before, f"a refused operation changed something after {done}"
            for pool in StockAvailability.objects.all():
                assert pool.reserved >= 0
                assert pool.on_hand_sellable >= pool.reserved
                assert pool.on_hand_sellable == world.sellable(pool.product_id, pool.warehouse_id), done
            for balance in StockBalance.objects.all():
                assert balance.on_hand == world.on_hand[(balance.product_id, balance.location_id)], done
        assert services.check_stock_ledger() == [], done
