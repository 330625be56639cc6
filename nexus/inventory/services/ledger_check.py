"""Proving (and restoring) that balances, availability and cost layers equal the ledger.

``expected_state()`` recomputes from the append-only rows — moves, layer consumptions and
reservations — what every derived row must hold, with set-based queries (one per table).
``check_stock_ledger()`` compares that with the stored rows and lists the differences;
``rebuild_stock_balances()`` writes it back. Both work in the current tenant.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from nexus.core.bulk import update_fields
from nexus.core.scope import require_tenant_id
from nexus.inventory.models import (
    OPEN_STATES,
    CostLayer,
    CostLayerConsumption,
    Location,
    LocationKind,
    MoveReason,
    Reservation,
    StockAvailability,
    StockBalance,
    StockMove,
)
from nexus.inventory.quantities import ZERO, average_cost

from .valuation import spread_value

Pair = tuple[int, int]


@dataclass(frozen=True)
class Difference:
    """One place where a stored figure disagrees with the ledger."""

    check: str
    where: str
    expected: Decimal | str
    found: Decimal | str

    def __str__(self) -> str:
        return (
            f"{self.check} — {self.where}: the ledger says {_show(self.expected)}, stored {_show(self.found)}"
        )


def _show(value: Decimal | str) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else value


@dataclass
class Pool:
    """What the ledger says one product in one warehouse must hold."""

    on_hand: Decimal = ZERO
    sellable: Decimal = ZERO
    value: Decimal = ZERO
    reserved: Decimal = ZERO
    reserved_staged: Decimal = ZERO
    locations: dict[int, Decimal] = field(default_factory=dict)
    pinned: dict[int, Decimal] = field(default_factory=dict)  # staging location -> pinned open

    @property
    def average(self) -> Decimal:
        return average_cost(self.value, self.on_hand)

    def location_values(self) -> dict[int, Decimal]:
        return spread_value(self.value, self.locations)


@dataclass
class ExpectedState:
    pools: dict[Pair, Pool]
    layer_remaining: dict[int, Decimal]  # layer id -> quantity_in - consumed
    move_problems: list[Difference]


def _locations() -> dict[int, tuple[int, str]]:
    return {
        pk: (warehouse_id, kind)
        for pk, warehouse_id, kind in Location.objects.values_list("id", "warehouse_id", "kind")
    }


def expected_state() -> ExpectedState:
    """Recompute the derived rows from moves, consumptions and reservations."""
    locations = _locations()
    pools: dict[Pair, Pool] = defaultdict(Pool)
    moved = (
        StockMove.objects.values("product_id", "from_location_id", "to_location_id", "reason")
        .annotate(quantity_sum=Sum("quantity"), value_sum=Sum("value"))
        .order_by()
    )
    for row in moved:
        product_id, source, target = row["product_id"], row["from_location_id"], row["to_location_id"]
        quantity, value = row["quantity_sum"], row["value_sum"]
        source_wh = locations[source][0] if source is not None else None
        target_wh = locations[target][0] if target is not None else None
        if row["reason"] == MoveReason.REVALUATION:
            if target_wh is not None:
                pools[(product_id, target_wh)].value += value
            if source_wh is not None:
                pools[(product_id, source_wh)].value -= value
            continue
        for location_id, warehouse_id, sign in ((target, target_wh, 1), (source, source_wh, -1)):
            if location_id is None or warehouse_id is None:
                continue
            pool = pools[(product_id, warehouse_id)]
            pool.locations[location_id] = pool.locations.get(location_id, ZERO) + sign * quantity
            pool.on_hand += sign * quantity
            if locations[location_id][1] == LocationKind.STOCK:
                pool.sellable += sign * quantity
            if source_wh != target_wh:
                pool.value += sign * value
    reserved = (
        Reservation.objects.filter(state__in=OPEN_STATES)
        .values("product_id", "warehouse_id", "location_id")
        .annotate(open=Sum(F("quantity") - F("consumed_quantity")))
        .order_by()
    )
    for row in reserved:
        pool = pools[(row["product_id"], row["warehouse_id"])]
        if row["location_id"] is None:
            pool.reserved += row["open"]
        else:
            pool.reserved_staged += row["open"]
            pool.pinned[row["location_id"]] = row["open"]
    consumed = dict(
        CostLayerConsumption.objects.values("layer_id")
        .annotate(total=Sum("quantity"))
        .values_list("layer_id", "total")
    )
    layer_remaining = {
        pk: quantity_in - consumed.get(pk, ZERO)
        for pk, quantity_in in CostLayer.objects.values_list("id", "quantity_in")
    }
    return ExpectedState(dict(pools), layer_remaining, _move_layer_problems(locations))


def _move_layer_problems(locations: dict[int, tuple[int, str]]) -> list[Difference]:
    """Moves into a warehouse must have created layers for their quantity; moves out consumed it."""
    layered = dict(
        CostLayer.objects.values("receipt_move_id")
        .annotate(total=Sum("quantity_in"))
        .values_list("receipt_move_id", "total")
    )
    took = dict(
        CostLayerConsumption.objects.values("move_id")
        .annotate(total=Sum("quantity"))
        .values_list("move_id", "total")
    )
    problems = []
    moves = StockMove.objects.exclude(reason=MoveReason.REVALUATION).values_list(
        "id", "from_location_id", "to_location_id", "quantity"
    )
    for pk, source, target, quantity in moves.iterator(chunk_size=5000):
        source_wh = locations[source][0] if source is not None else None
        target_wh = locations[target][0] if target is not None else None
        if source_wh == target_wh:
            continue
        if target_wh is not None and layered.get(pk, ZERO) != quantity:
            problems.append(Difference("cost layers created", f"move #{pk}", quantity, layered.get(pk, ZERO)))
        if source_wh is not None and took.get(pk, ZERO) != quantity:
            problems.append(Difference("cost layers consumed", f"move #{pk}", quantity, took.get(pk, ZERO)))
    return problems


def check_stock_ledger() -> list[Difference]:
    """Every difference between the stored balances, availability, layers and the ledger (current tenant).

    Empty when ledger == balances == availability == cost layers. Ordered: balances,
    availability, valuation, layers, reservations, then per-move layer records.
    """
    require_tenant_id()
    state = expected_state()
    differences: list[Difference] = []
    differences.extend(_balance_differences(state))
    differences.extend(_availability_differences(state))
    differences.extend(_layer_differences(state))
    differences.extend(state.move_problems)
    return differences


def _balance_differences(state: ExpectedState) -> Iterator[Difference]:
    stored = {
        (p, loc): (on_hand, value)
        for p, loc, on_hand, value in StockBalance.objects.values_list(
            "product_id", "location_id", "on_hand", "value"
        )
    }
    by_key: dict[Pair, tuple[Decimal, Decimal]] = {}
    for (product_id, _), pool in state.pools.items():
        values = pool.location_values()
        for location_id, quantity in pool.locations.items():
            by_key[(product_id, location_id)] = (quantity, values[location_id])
    for key in sorted(by_key.keys() | stored.keys()):
        want = by_key.get(key, (ZERO, ZERO))
        have = stored.get(key, (ZERO, ZERO))
        where = f"product {key[0]} at location {key[1]}"
        if want[0] != have[0]:
            yield Difference("balance on hand", where, want[0], have[0])
        elif want[1] != have[1]:
            yield Difference("balance value", where, want[1], have[1])


def _availability_differences(state: ExpectedState) -> Iterator[Difference]:
    stored = {
        (row.product_id, row.warehouse_id): row
        for row in StockAvailability.objects.only(
            "product_id",
            "warehouse_id",
            "on_hand_sellable",
            "reserved",
            "reserved_staged",
            "on_hand",
            "value",
            "average_unit_cost",
        )
    }
    empty = Pool()
    for key in sorted(state.pools.keys() | stored.keys()):
        pool = state.pools.get(key, empty)
        row = stored.get(key)
        where = f"product {key[0]} in warehouse {key[1]}"
        have = (
            (
                row.on_hand_sellable,
                row.on_hand,
                row.value,
                row.average_unit_cost,
                row.reserved,
                row.reserved_staged,
            )
            if row is not None
            else (ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)
        )
        checks = (
            ("sellable on hand", pool.sellable, have[0]),
            ("on hand", pool.on_hand, have[1]),
            ("stock value", pool.value, have[2]),
            ("average unit cost", pool.average, have[3]),
            ("reserved", pool.reserved, have[4]),
            ("reserved staged", pool.reserved_staged, have[5]),
        )
        for name, want, found in checks:
            if want != found:
                yield Difference(f"availability {name}", where, want, found)
        for location_id, held in sorted(pool.pinned.items()):
            there = pool.locations.get(location_id, ZERO)
            if held > there:
                where = f"product {key[0]} at location {location_id}"
                yield Difference("pinned within staged goods", where, f"at most {_show(there)}", _show(held))


def _layer_differences(state: ExpectedState) -> Iterator[Difference]:
    remaining_by_pool: dict[Pair, Decimal] = defaultdict(Decimal)
    rows = CostLayer.objects.values_list("id", "product_id", "warehouse_id", "quantity_remaining")
    for pk, product_id, warehouse_id, remaining in rows.iterator(chunk_size=5000):
        remaining_by_pool[(product_id, warehouse_id)] += remaining
        if state.layer_remaining.get(pk) != remaining:
            yield Difference(
                "layer remaining", f"cost layer #{pk}", state.layer_remaining.get(pk, ZERO), remaining
            )
    for key in sorted(state.pools.keys() | remaining_by_pool.keys()):
        want = state.pools[key].on_hand if key in state.pools else ZERO
        found = remaining_by_pool.get(key, ZERO)
        if want != found:
            yield Difference("cost layers on hand", f"product {key[0]} in warehouse {key[1]}", want, found)
    # A layer from outside is its own origin; a transferred one keeps the origin of its source.
    roots = CostLayer.objects.filter(source_layer__isnull=True).exclude(origin_move=F("receipt_move"))
    derived = CostLayer.objects.filter(source_layer__isnull=False).exclude(
        origin_move=F("source_layer__origin_move")
    )
    strays = [*roots.values_list("id", "origin_move_id"), *derived.values_list("id", "origin_move_id")]
    for pk, origin in sorted(strays):
        yield Difference("layer origin", f"cost layer #{pk}", "its source's origin", f"move #{origin}")


def rebuild_stock_balances(progress: Callable[[int, int], None] | None = None, batch: int = 1000) -> int:
    """Rewrite balances, availability and layer remainders from the ledger (current tenant).

    Locks every availability, balance and cost-layer row of the tenant first, in the fixed
    order, so that no move posts half-way through; creates missing rows; then writes in
    batches of ``batch`` rows, calling ``progress(done, total)`` after each. Returns the
    number of rows written.
    """
    tenant_id = require_tenant_id()
    with transaction.atomic():
        for model in (StockAvailability, StockBalance, CostLayer):
            list(model.objects.select_for_update().order_by("id").values_list("id", flat=True))
        state = expected_state()
        StockAvailability.objects.bulk_create(
            [
                StockAvailability(tenant_id=tenant_id, product_id=p, warehouse_id=w)
                for p, w in sorted(state.pools)
            ],
            ignore_conflicts=True,
            batch_size=batch,
        )
        expected_balances: dict[Pair, tuple[Decimal, Decimal]] = {}
        for (product_id, _), pool in state.pools.items():
            values = pool.location_values()
            for location_id, quantity in pool.locations.items():
                expected_balances[(product_id, location_id)] = (quantity, values[location_id])
        StockBalance.objects.bulk_create(
            [
                StockBalance(tenant_id=tenant_id, product_id=p, location_id=loc)
                for p, loc in sorted(expected_balances)
            ],
            ignore_conflicts=True,
            batch_size=batch,
        )
        now = timezone.now()
        empty = Pool()
        pools = list(StockAvailability.objects.order_by("id"))
        for row in pools:
            pool = state.pools.get((row.product_id, row.warehouse_id), empty)
            row.on_hand_sellable, row.on_hand, row.value = pool.sellable, pool.on_hand, pool.value
            row.reserved, row.average_unit_cost, row.updated_at = pool.reserved, pool.average, now
            row.reserved_staged = pool.reserved_staged
        balances = list(StockBalance.objects.order_by("id"))
        for balance in balances:
            balance.on_hand, balance.value = expected_balances.get(
                (balance.product_id, balance.location_id), (ZERO, ZERO)
            )
            balance.updated_at = now
        layers = [
            layer
            for layer in CostLayer.objects.only("id", "quantity_remaining").order_by("id")
            if layer.quantity_remaining != state.layer_remaining[layer.pk]
        ]
        for layer in layers:
            layer.quantity_remaining = state.layer_remaining[layer.pk]
        total = len(pools) + len(balances) + len(layers)
        done = 0
        writes: list[tuple[list[Any], list[str]]] = [
            (
                pools,
                [
                    "on_hand_sellable",
                    "on_hand",
                    "value",
                    "reserved",
                    "reserved_staged",
                    "average_unit_cost",
                    "updated_at",
                ],
            ),
            (balances, ["on_hand", "value", "updated_at"]),
            (layers, ["quantity_remaining"]),
        ]
        for rows, fields in writes:
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                update_fields(chunk, fields)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    return total
