"""Value-only moves in bulk: ``post_moves``'s revaluations for thousands of pools at once.

A landed cost adds value to every pool its goods sit in, often thousands. This posts such a
batch with the same rules, locks, rows and events as ``post_moves`` would for the revaluation
requests (docs/inventory.md, "Valuation"): the products, locations and warehouses key-share
locked, then the availability rows and all balance rows of the pools, each by ascending id;
value added to or removed from each pool, its average refreshed and the value spread over its
locations by quantity; one move and one ``inventory.stock_adjusted`` event per change. It reads
and writes plain rows (``nexus.core.bulk``), not a model instance per row, so a batch costs a
constant number of statements and little Python per change. No goods move, so there are no
cost layers, reservations or pinned goods to consider.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.bulk import insert_rows, update_rows
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.events import publish_many
from nexus.core.models.refs import ActorRef
from nexus.core.scope import require_tenant_id
from nexus.inventory.models import (
    Location,
    MoveReason,
    Product,
    StockAvailability,
    StockBalance,
    StockMove,
    WarehouseKind,
)
from nexus.inventory.quantities import as_decimal, average_cost, round_value

from .events import STOCK_ADJUSTED, adjustment_payload
from .locking import Pair, PoolFigures, hold_references, lock_pool_figures
from .posting import DocumentRef
from .valuation import spread_value


@dataclass(frozen=True)
class ValueChange:
    """Value added to (positive) or removed from (negative) a product's pool, named by a location.

    Any location of the warehouse stands for its pool; the move and the event name it.
    """

    product_id: int
    location_id: int
    value: Decimal


def post_value_moves(
    changes: Sequence[ValueChange], *, document: DocumentRef, note: str, actor: ActorRef
) -> list[int]:
    """Post ``changes`` in order, all or none; return the ids of their moves in the same order.

    Raises ``InvalidInput`` (no note, an unknown product or location, a dropship warehouse, an
    amount that is not positive with at most four places) and ``Conflict`` when a pool has no
    goods to revalue or would lose more value than it holds; nothing is written then.
    """
    if not changes:
        return []
    note = note.strip()
    if not note:
        raise _invalid("Say why: an adjustment or a revaluation needs a reason.", "note")
    if len(document.type) > 100:
        raise _invalid("The document type is longer than 100 characters.", "document_type")
    amounts = [_amount(change.value) for change in changes]
    with transaction.atomic():
        skus, locations = _load(changes)
        pools = lock_pool_figures({(c.product_id, locations[c.location_id].warehouse_id) for c in changes})
        moves, touched = [], set()
        for change, amount in zip(changes, amounts, strict=True):
            location = locations[change.location_id]
            pair = (change.product_id, location.warehouse_id)
            pool = pools.get(pair)
            if pool is None or pool.on_hand <= 0:
                raise Conflict(
                    f"There is no {skus[change.product_id]} in {location.warehouse.code} to revalue.",
                    code="insufficient_stock",
                )
            if change.value < 0 and amount > pool.value:
                raise Conflict(
                    f"Cannot remove {amount} of value from {skus[change.product_id]} in "
                    f"{location.warehouse.code}: its stock there is worth {pool.value}.",
                    code="insufficient_value",
                )
            pool.value += amount if change.value > 0 else -amount
            touched.add(pair)
            inward = change.value > 0
            moves.append(
                (
                    change.product_id,
                    None if inward else location.pk,
                    location.pk if inward else None,
                    pool.on_hand,
                    average_cost(amount, pool.on_hand),
                    amount,
                )
            )
        _write(pools, touched)
        now = timezone.now()
        move_ids = insert_rows(
            StockMove,
            ["product_id", "from_location_id", "to_location_id", "quantity", "unit_cost", "value"],
            moves,
            constants={
                "tenant_id": require_tenant_id(),
                "reason": MoveReason.REVALUATION,
                "document_type": document.type,
                "document_id": document.id,
                "document_line_id": document.line_id,
                "note": note,
                "occurred_at": now,
                "posted_at": now,
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "actor_label": actor.label[:255],
            },
        )
        publish_many(
            [
                (
                    STOCK_ADJUSTED,
                    adjustment_payload(
                        move_id=move_id,
                        product_id=change.product_id,
                        reason=MoveReason.REVALUATION,
                        location=locations[change.location_id],
                        quantity=sign * Decimal(0),
                        value=sign * amount,
                        note=note,
                        document_type=document.type,
                        document_id=document.id,
                    ),
                )
                for move_id, change, amount in zip(move_ids, changes, amounts, strict=True)
                for sign in (1 if change.value > 0 else -1,)
            ]
        )
    return move_ids


def _invalid(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: [message]})


def _amount(value: Decimal) -> Decimal:
    amount = abs(as_decimal(value, "value"))
    if amount == 0 or amount != round_value(amount):
        raise _invalid("A revaluation amount must be positive, with at most four decimal places.", "value")
    return amount


def _load(changes: Sequence[ValueChange]) -> tuple[dict[int, str], dict[int, Location]]:
    """Key-share-lock, then read, the products (their SKUs) and the locations the changes name."""
    product_ids = {change.product_id for change in changes}
    location_ids = {change.location_id for change in changes}
    hold_references(product_ids, location_ids)
    skus = dict(Product.objects.filter(pk__any=list(product_ids)).values_list("pk", "sku"))
    locations = Location.objects.select_related("warehouse").in_bulk(location_ids)
    missing = sorted(product_ids - skus.keys())
    if missing:
        raise _invalid(f"Product {missing[0]} does not exist.", "product")
    for location_id in sorted(location_ids):
        location = locations.get(location_id)
        if location is None:
            raise _invalid(f"Location {location_id} does not exist.", "location")
        if location.warehouse.kind == WarehouseKind.DROPSHIP:
            raise _invalid(
                f"{location} is in the dropship warehouse {location.warehouse.code}: it holds no stock.",
                "location",
            )
    return skus, locations


def _write(pools: dict[Pair, PoolFigures], touched: set[Pair]) -> None:
    """Each touched pool's value and average, and its value spread over its locations by quantity."""
    now = timezone.now()
    pool_rows: list[tuple[object, ...]] = []
    balance_rows: list[tuple[object, ...]] = []
    for pair in sorted(touched):
        pool = pools[pair]
        average = average_cost(pool.value, pool.on_hand)
        if pool.value != pool.value_before or average != pool.average_before:
            pool_rows.append((pool.id, pool.value, average, now))
        shares = spread_value(pool.value, {location: row[1] for location, row in pool.balances.items()})
        balance_rows.extend(
            (balance_id, shares[location], now)
            for location, (balance_id, _, value) in pool.balances.items()
            if shares[location] != value
        )
    update_rows(StockAvailability, ["value", "average_unit_cost", "updated_at"], pool_rows)
    update_rows(StockBalance, ["value", "updated_at"], balance_rows)
