"""Row locks for stock changes, taken in the fixed order of DESIGN.md §1.

First a key-share lock on the products, locations and warehouses a batch names, then
availability rows, then balance rows, then cost layers, each by ascending id. Missing
availability and balance rows are created race-free first (``INSERT … ON CONFLICT DO
NOTHING``) and then locked like the others, so two transactions that both find a row missing
never lose each other's update. Every helper here locks; callers must be inside a transaction.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import F, Q

from nexus.core.scope import require_tenant_id
from nexus.inventory.models import CostLayer, Location, Product, StockAvailability, StockBalance, Warehouse

Pair = tuple[int, int]


def _by_second(pairs: Iterable[Pair]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for first, second in sorted(set(pairs)):
        grouped[second].append(first)
    return grouped


def _pairs_condition(pairs: Iterable[Pair], second_field: str, **extra: object) -> Q:
    """``(product in [...] AND <second_field> = x) OR ...`` grouped by the second member."""
    return reduce(
        or_,
        (
            Q(product_id__any=products, **{second_field: second}, **extra)
            for second, products in _by_second(pairs).items()
        ),
    )


def hold_references(product_ids: Iterable[int], location_ids: Iterable[int]) -> None:
    """Key-share-lock the products, locations and their warehouses a batch is about to read.

    The weakest row lock: concurrent postings share it, and it waits only for a transaction
    that holds the row ``FOR UPDATE`` — the ledger-bound guard changing a location's warehouse
    or kind, a warehouse's kind or a product's unit (``ledger_bound``). Taken before the rows
    are read, so a batch never books goods against what such a change has just replaced.
    PostgreSQL only; SQLite runs one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    tenant_id = require_tenant_id()
    products, locations, warehouses = (m._meta.db_table for m in (Product, Location, Warehouse))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {products} WHERE tenant_id = %s AND id = ANY(%s) "  # noqa: S608
            "ORDER BY id FOR KEY SHARE",
            [tenant_id, sorted(set(product_ids))],
        )
        cursor.execute(
            f"SELECT 1 FROM {locations} l JOIN {warehouses} w ON w.id = l.warehouse_id "  # noqa: S608
            "WHERE l.tenant_id = %s AND l.id = ANY(%s) ORDER BY l.id FOR KEY SHARE",
            [tenant_id, sorted(set(location_ids))],
        )


def lock_availability(pairs: Iterable[Pair]) -> dict[Pair, StockAvailability]:
    """Lock (creating where missing) the availability rows of (product id, warehouse id) pairs."""
    wanted = set(pairs)
    if not wanted:
        return {}
    condition = _pairs_condition(wanted, "warehouse_id")
    rows = {
        (row.product_id, row.warehouse_id): row
        for row in StockAvailability.objects.select_for_update().filter(condition).order_by("id")
    }
    missing = wanted - rows.keys()
    if missing:
        tenant_id = require_tenant_id()
        StockAvailability.objects.bulk_create(
            [
                StockAvailability(tenant_id=tenant_id, product_id=p, warehouse_id=w)
                for p, w in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        created = StockAvailability.objects.select_for_update().filter(
            _pairs_condition(missing, "warehouse_id")
        )
        rows.update({(row.product_id, row.warehouse_id): row for row in created.order_by("id")})
    return rows


def lock_balances(touched: Mapping[Pair, int]) -> dict[Pair, dict[int, StockBalance]]:
    """Lock every balance row of the pools touched; return them by (product, warehouse), then location.

    ``touched`` maps each (product id, location id) a move names to the location's warehouse.
    All of a product's balances in such a warehouse are locked, not only the named locations,
    because a change of the warehouse's value is spread over all of them; named balances that
    do not exist yet are created first.
    """
    if not touched:
        return {}
    pools = {(product_id, warehouse_id) for (product_id, _), warehouse_id in touched.items()}
    rows = {
        (row.product_id, row.location_id): row
        for row in StockBalance.objects.select_for_update(of=("self",))
        .filter(_pairs_condition(pools, "location__warehouse_id"))
        .annotate(pool_warehouse_id=F("location__warehouse_id"))
        .order_by("id")
    }
    missing = set(touched) - rows.keys()
    if missing:
        tenant_id = require_tenant_id()
        StockBalance.objects.bulk_create(
            [StockBalance(tenant_id=tenant_id, product_id=p, location_id=loc) for p, loc in sorted(missing)],
            ignore_conflicts=True,
        )
        created = (
            StockBalance.objects.select_for_update(of=("self",))
            .filter(_pairs_condition(missing, "location_id"))
            .annotate(pool_warehouse_id=F("location__warehouse_id"))
            .order_by("id")
        )
        rows.update({(row.product_id, row.location_id): row for row in created})
    grouped: dict[Pair, dict[int, StockBalance]] = {pool: {} for pool in pools}
    for (product_id, location_id), row in rows.items():
        grouped[(product_id, getattr(row, "pool_warehouse_id"))][location_id] = row  # noqa: B009  # annotation
    return grouped


def lock_open_layers(pairs: Iterable[Pair]) -> dict[Pair, list[CostLayer]]:
    """Lock the cost layers with goods remaining for (product, warehouse) pairs; oldest first per pair."""
    wanted = set(pairs)
    result: dict[Pair, list[CostLayer]] = {pair: [] for pair in wanted}
    if not wanted:
        return result
    condition = _pairs_condition(wanted, "warehouse_id", quantity_remaining__gt=0)
    for layer in CostLayer.objects.select_for_update().filter(condition).order_by("id"):
        result[(layer.product_id, layer.warehouse_id)].append(layer)
    for layers in result.values():
        layers.sort(key=lambda layer: (layer.received_at, layer.id))
    return result


@dataclass(eq=False)
class PoolFigures:
    """A locked pool's figures as plain values: what a value-only change reads and writes."""

    id: int
    on_hand: Decimal
    value: Decimal
    value_before: Decimal
    average_before: Decimal
    balances: dict[int, tuple[int, Decimal, Decimal]] = field(
        default_factory=dict
    )  # location -> id, qty, value


def lock_pool_figures(pairs: Iterable[Pair]) -> dict[Pair, PoolFigures]:
    """Lock the existing availability rows of (product, warehouse) pairs and all their balance rows.

    The same rows, in the same order, as ``lock_availability`` and ``lock_balances`` lock for a
    batch that only changes value; read as tuples, since such a batch may name thousands of
    pools. Pools without an availability row are absent (they hold nothing).
    """
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = (
        StockAvailability.objects.select_for_update()
        .filter(_pairs_condition(wanted, "warehouse_id"))
        .order_by("id")
        .values_list("id", "product_id", "warehouse_id", "on_hand", "value", "average_unit_cost")
    )
    pools = {
        (product_id, warehouse_id): PoolFigures(pk, on_hand, value, value, average)
        for pk, product_id, warehouse_id, on_hand, value, average in rows
    }
    if not pools:
        return pools
    balances = (
        StockBalance.objects.select_for_update(of=("self",))
        .filter(_pairs_condition(pools, "location__warehouse_id"))
        .order_by("id")
        .values_list("id", "product_id", "location_id", "location__warehouse_id", "on_hand", "value")
    )
    for pk, product_id, location_id, warehouse_id, on_hand, value in balances:
        pools[(product_id, warehouse_id)].balances[location_id] = (pk, on_hand, value)
    return pools
