"""Posting stock moves: the only way stock, value and cost layers change.

``post_moves`` takes a batch of requests and, in one transaction and a constant number of
queries, locks what they touch (the products and locations named, key-share; then
availability, balances, cost layers — DESIGN.md §1 order),
applies them in order in memory, refuses the whole batch with a clear error if any request
would break an invariant, and otherwise writes the moves, the new layers, the layer
consumptions, the balances, the availability rows and the events.

Valuation (docs/inventory.md, "Valuation"):

- The valuation pool is the product in one warehouse: ``StockAvailability.on_hand``/``value``.
- A move *into* a warehouse from outside it adds ``quantity * unit cost`` (rounded to the value
  scale) and a cost layer at that unit cost; the average becomes ``value / on_hand``.
- A move *out of* a warehouse carries the warehouse's moving average: its value is
  ``value * quantity / on_hand`` (the whole value when it empties the warehouse), so the average
  of what stays is unchanged; its cost layers are consumed first-in-first-out and each
  consumption is recorded.
- A transfer between warehouses is both: out of the source at the source's average, into the
  destination at that same value, with one destination layer per source layer consumed (same
  unit cost, linked by ``source_layer``) so cost stays traceable to the receipt.
- A move between locations of one warehouse changes neither the pool nor the layers; its value
  is informational (quantity at the average).
- After each batch every location's balance value is the warehouse value spread over its
  locations by quantity (``valuation.spread_value``).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from nexus.core.bulk import update_fields
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.models.refs import ActorRef
from nexus.core.scope import require_tenant_id
from nexus.inventory.models import (
    CostLayer,
    CostLayerConsumption,
    Location,
    LocationKind,
    MoveReason,
    Product,
    StockAvailability,
    StockBalance,
    StockMove,
    WarehouseKind,
)
from nexus.inventory.quantities import (
    ZERO,
    as_decimal,
    average_cost,
    checked_quantity,
    checked_unit_cost,
    round_value,
    share_of_value,
    value_of,
)

from . import events
from .locking import Pair, hold_references, lock_availability, lock_balances, lock_open_layers
from .reservations import pinned_at
from .valuation import OpenLayer, add_layer, consume_fifo, spread_value


@dataclass(frozen=True)
class DocumentRef:
    """The document (and line) that caused a move, by reference: inventory never imports documents."""

    type: str = ""
    id: int | None = None
    line_id: int | None = None


NO_DOCUMENT = DocumentRef()


@dataclass(frozen=True)
class MoveRequest:
    """One move to post. ``None`` as a location is the outside world.

    ``unit_cost`` is required for receipts and returns, optional for an adjustment that adds
    stock (the warehouse's average by default). ``value`` is the signed amount of a revaluation
    (positive adds value); a revaluation's quantity is the warehouse's on-hand quantity.
    """

    product_id: int
    reason: MoveReason
    quantity: Decimal | int | str | None = None
    from_location_id: int | None = None
    to_location_id: int | None = None
    unit_cost: Decimal | int | str | None = None
    value: Decimal | int | str | None = None
    document: DocumentRef = NO_DOCUMENT
    note: str = ""
    occurred_at: datetime | None = None


@dataclass
class _PendingLayer:
    move_index: int
    product_id: int
    warehouse_id: int
    quantity: Decimal
    open: OpenLayer
    source: OpenLayer | None


@dataclass
class _Plan:
    moves: list[StockMove] = field(default_factory=list)
    new_layers: list[_PendingLayer] = field(default_factory=list)
    consumptions: list[tuple[int, OpenLayer, Decimal]] = field(
        default_factory=list
    )  # (move index, layer, qty)


INBOUND_WITH_COST = (MoveReason.RECEIPT, MoveReason.RETURN)
# Which sides a reason needs: (from_location, to_location); None means either, "one" exactly one.
_SIDES: dict[str, tuple[bool | None, bool | None]] = {
    MoveReason.RECEIPT: (False, True),
    MoveReason.RETURN: (False, True),
    MoveReason.ISSUE: (True, False),
    MoveReason.SHIPMENT: (True, False),
    MoveReason.TRANSFER_OUT: (True, True),
    MoveReason.TRANSFER_IN: (True, True),
    MoveReason.SCRAP: (True, None),
}
_SIDE_NAMES = {True: "needs", False: "takes no"}


def post_moves(requests: Sequence[MoveRequest], *, actor: ActorRef) -> list[StockMove]:
    """Post ``requests`` in order, all or none; return the posted moves in the same order.

    Raises ``InvalidInput`` for malformed requests (unknown product or location, bad quantity,
    missing cost or note) and ``Conflict`` when stock is short at a location or the move would
    leave sellable stock below what is reserved, or a staging location's goods below what is
    pinned there (consume the pinned reservation first); nothing is written then.
    """
    if not requests:
        return []
    with transaction.atomic():
        products, locations = _load(requests)
        _check_requests(requests, products, locations)
        touched = {
            (r.product_id, loc): locations[loc].warehouse_id
            for r in requests
            for loc in (r.from_location_id, r.to_location_id)
            if loc is not None
        }
        pools = {(product_id, warehouse_id) for (product_id, _), warehouse_id in touched.items()}
        availability = lock_availability(pools)
        balances = lock_balances(touched)
        locked_layers = lock_open_layers(_outbound_pools(requests, locations))
        layers = {
            pair: [
                OpenLayer(row.id, row.unit_cost, row.quantity_remaining, row.received_at, row.origin_move_id)
                for row in rows
            ]
            for pair, rows in locked_layers.items()
        }
        before = _snapshot(availability, balances)
        pinned = pinned_at(
            {
                (r.product_id, r.from_location_id)
                for r in requests
                if r.from_location_id is not None
                and locations[r.from_location_id].kind == LocationKind.STAGING
            }
        )
        plan = _apply(requests, products, locations, availability, balances, layers, pinned, actor)
        for pair in pools:
            _respread(availability[pair], balances[pair])
        _write(plan, availability, balances, locked_layers, layers, before)
        events.publish_moves(plan.moves, locations)
    return plan.moves


def _load(requests: Sequence[MoveRequest]) -> tuple[dict[int, Product], dict[int, Location]]:
    product_ids = {r.product_id for r in requests}
    location_ids = {
        loc for r in requests for loc in (r.from_location_id, r.to_location_id) if loc is not None
    }
    hold_references(product_ids, location_ids)
    products = Product.objects.in_bulk(product_ids)
    locations = Location.objects.select_related("warehouse").in_bulk(location_ids)
    return products, locations


def _invalid(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: [message]})


def _check_requests(
    requests: Sequence[MoveRequest], products: dict[int, Product], locations: dict[int, Location]
) -> None:
    for request in requests:
        product = products.get(request.product_id)
        if product is None:
            raise _invalid(f"Product {request.product_id} does not exist.", "product")
        if request.reason not in MoveReason.values:
            raise _invalid(f"Unknown move reason {request.reason!r}.", "reason")
        _check_sides(request)
        for side in ("from_location", "to_location"):
            location_id = getattr(request, f"{side}_id")
            if location_id is None:
                continue
            location = locations.get(location_id)
            if location is None:
                raise _invalid(f"Location {location_id} does not exist.", side)
            if location.warehouse.kind == WarehouseKind.DROPSHIP:
                raise _invalid(
                    f"{location} is in the dropship warehouse {location.warehouse.code}: it holds no stock.",
                    side,
                )
        target = locations.get(request.to_location_id) if request.to_location_id is not None else None
        if target is not None and not target.active and request.reason != MoveReason.REVALUATION:
            raise _invalid(f"{target} is inactive and cannot take goods in.", "to_location")
        if request.reason == MoveReason.RECEIPT and not product.active:
            raise _invalid(f"{product.sku} is inactive; activate it before receiving it.", "product")
        if request.reason in (MoveReason.ADJUSTMENT, MoveReason.REVALUATION) and not request.note.strip():
            raise _invalid("Say why: an adjustment or a revaluation needs a reason.", "note")
        if len(request.document.type) > 100:
            raise _invalid("The document type is longer than 100 characters.", "document_type")


def _check_sides(request: MoveRequest) -> None:
    has_from = request.from_location_id is not None
    has_to = request.to_location_id is not None
    if has_from and request.from_location_id == request.to_location_id:
        raise _invalid("A move needs two different locations.", "to_location")
    wanted = _SIDES.get(request.reason)
    if wanted is None:  # adjustment, revaluation: exactly one side
        if has_from == has_to:
            raise _invalid(
                f"A {request.reason} names one location: from_location to remove, to_location to add.",
                "to_location",
            )
        return
    for side, present, need in (("from_location", has_from, wanted[0]), ("to_location", has_to, wanted[1])):
        if need is not None and present != need:
            raise _invalid(f"A {request.reason} {_SIDE_NAMES[need]} {side.replace('_', ' ')}.", side)


def _outbound_pools(requests: Sequence[MoveRequest], locations: dict[int, Location]) -> set[Pair]:
    """The (product, warehouse) pools that goods leave, whose cost layers are consumed."""
    pools: set[Pair] = set()
    for request in requests:
        if request.from_location_id is None or request.reason == MoveReason.REVALUATION:
            continue
        source = locations[request.from_location_id].warehouse_id
        target = (
            locations[request.to_location_id].warehouse_id if request.to_location_id is not None else None
        )
        if source != target:
            pools.add((request.product_id, source))
    return pools


def _snapshot(
    availability: dict[Pair, StockAvailability], balances: dict[Pair, dict[int, StockBalance]]
) -> dict[int, tuple[Decimal, ...]]:
    """Figures of every locked row before the batch, to write back only what changed."""
    before: dict[int, tuple[Decimal, ...]] = {}
    for pool in availability.values():
        before[id(pool)] = (pool.on_hand_sellable, pool.on_hand, pool.value, pool.average_unit_cost)
    for rows in balances.values():
        for row in rows.values():
            before[id(row)] = (row.on_hand, row.value)
    return before


def _describe(quantity: Decimal, product: Product) -> str:
    return f"{quantity.normalize():f} {product.unit} of {product.sku}"


def _apply(
    requests: Sequence[MoveRequest],
    products: dict[int, Product],
    locations: dict[int, Location],
    availability: dict[Pair, StockAvailability],
    balances: dict[Pair, dict[int, StockBalance]],
    layers: dict[Pair, list[OpenLayer]],
    pinned: dict[Pair, Decimal],
    actor: ActorRef,
) -> _Plan:
    """Apply every request to the locked rows in memory, refusing on the first broken rule."""
    plan = _Plan()
    tenant_id = require_tenant_id()
    now = timezone.now()
    for index, request in enumerate(requests):
        product = products[request.product_id]
        source = locations[request.from_location_id] if request.from_location_id is not None else None
        target = locations[request.to_location_id] if request.to_location_id is not None else None
        occurred_at = request.occurred_at or now
        if request.reason == MoveReason.REVALUATION:
            quantity, unit_cost, value = _revalue(request, product, source, target, availability)
        else:
            quantity = checked_quantity(
                request.quantity, unit=product.unit, unit_decimals=product.unit_decimals
            )
            move = _GoodsMove(index, request, product, quantity, occurred_at, pinned)
            unit_cost, value = move.apply(source, target, availability, balances, layers, plan)
        plan.moves.append(
            StockMove(
                tenant_id=tenant_id,
                product_id=product.pk,
                from_location_id=source.pk if source else None,
                to_location_id=target.pk if target else None,
                quantity=quantity,
                unit_cost=unit_cost,
                value=value,
                reason=request.reason,
                document_type=request.document.type,
                document_id=request.document.id,
                document_line_id=request.document.line_id,
                note=request.note.strip(),
                occurred_at=occurred_at,
                actor_kind=actor.kind,
                actor_id=actor.id,
                actor_label=actor.label[:255],
            )
        )
    return plan


@dataclass
class _GoodsMove:
    index: int
    request: MoveRequest
    product: Product
    quantity: Decimal
    occurred_at: datetime
    pinned: dict[Pair, Decimal]  # (product, staging location) -> open quantity pinned there

    def apply(
        self,
        source: Location | None,
        target: Location | None,
        availability: dict[Pair, StockAvailability],
        balances: dict[Pair, dict[int, StockBalance]],
        layers: dict[Pair, list[OpenLayer]],
        plan: _Plan,
    ) -> tuple[Decimal, Decimal]:
        """Move the goods from ``source`` to ``target``; return the move's (unit cost, value)."""
        product, quantity = self.product, self.quantity
        crosses = source is None or target is None or source.warehouse_id != target.warehouse_id
        consumed: list[tuple[OpenLayer, Decimal]] = []
        unit_cost = value = ZERO
        if source is not None:
            pair = (product.pk, source.warehouse_id)
            pool = availability[pair]
            self._take(source, pool, balances[pair][source.pk])
            unit_cost = average_cost(pool.value, pool.on_hand)
            value = share_of_value(pool.value, quantity, pool.on_hand)
            if crosses:
                pool.on_hand -= quantity
                pool.value -= value
                consumed = self._consume(layers[pair], source)
                plan.consumptions.extend((self.index, layer, taken) for layer, taken in consumed)
        if target is not None:
            pair = (product.pk, target.warehouse_id)
            pool = availability[pair]
            balances[pair][target.pk].on_hand += quantity
            if target.kind == LocationKind.STOCK:
                pool.on_hand_sellable += quantity
            if crosses:
                if source is None:
                    unit_cost = _inbound_cost(self.request, product, pool)
                    value = value_of(quantity, unit_cost)
                    self._layer(plan, layers, pair, quantity, unit_cost, None)
                else:
                    for layer, taken in consumed:
                        self._layer(plan, layers, pair, taken, layer.unit_cost, layer)
                pool.on_hand += quantity
                pool.value += value
        return unit_cost, value

    def _take(self, source: Location, pool: StockAvailability, balance: StockBalance) -> None:
        product, quantity = self.product, self.quantity
        if balance.on_hand < quantity:
            raise Conflict(
                f"Cannot take {_describe(quantity, product)} from {source}: only "
                f"{balance.on_hand.normalize():f} {product.unit} on hand there.",
                code="insufficient_stock",
            )
        balance.on_hand -= quantity
        held = self.pinned.get((product.pk, source.pk), ZERO)
        if balance.on_hand < held:
            raise Conflict(
                f"Cannot take {_describe(quantity, product)} from {source}: "
                f"{held.normalize():f} {product.unit} there are pinned to orders' reservations.",
                code="stock_reserved",
            )
        if source.kind != LocationKind.STOCK:
            return
        if pool.on_hand_sellable - quantity < pool.reserved:
            free = max(pool.on_hand_sellable - pool.reserved, ZERO)
            raise Conflict(
                f"Cannot take {_describe(quantity, product)} from {source}: {source.warehouse.code} has "
                f"{pool.on_hand_sellable.normalize():f} sellable of which {pool.reserved.normalize():f} "
                f"reserved, so at most {free.normalize():f} can leave.",
                code="stock_reserved",
            )
        pool.on_hand_sellable -= quantity

    def _consume(self, open_layers: list[OpenLayer], source: Location) -> list[tuple[OpenLayer, Decimal]]:
        try:
            return consume_fifo(open_layers, self.quantity)
        except ValueError as exc:
            raise Conflict(
                f"The cost layers of {self.product.sku} in {source.warehouse.code} disagree with its "
                "balances; run check_stock_ledger.",
                code="ledger_inconsistent",
            ) from exc

    def _layer(
        self,
        plan: _Plan,
        layers: dict[Pair, list[OpenLayer]],
        pair: Pair,
        quantity: Decimal,
        unit_cost: Decimal,
        source: OpenLayer | None,
    ) -> None:
        layer = OpenLayer(0, unit_cost, quantity, self.occurred_at)
        add_layer(layers.setdefault(pair, []), layer)
        plan.new_layers.append(_PendingLayer(self.index, pair[0], pair[1], quantity, layer, source))


def _inbound_cost(request: MoveRequest, product: Product, pool: StockAvailability) -> Decimal:
    """The unit cost of goods coming in from outside: given, or the average for an adjustment."""
    if request.unit_cost is not None:
        return checked_unit_cost(request.unit_cost)
    if request.reason in INBOUND_WITH_COST:
        raise _invalid(f"A {request.reason} of {product.sku} needs a unit cost.", "unit_cost")
    if pool.on_hand <= 0:
        raise _invalid(
            f"There is no {product.sku} in this warehouse to take an average cost from; give a unit cost.",
            "unit_cost",
        )
    return average_cost(pool.value, pool.on_hand)


def _revalue(
    request: MoveRequest,
    product: Product,
    source: Location | None,
    target: Location | None,
    availability: dict[Pair, StockAvailability],
) -> tuple[Decimal, Decimal, Decimal]:
    """Add value to (``target``) or remove it from (``source``) the warehouse's pool; no goods move."""
    location = target if target is not None else source
    assert location is not None  # _check_sides: a revaluation names exactly one side
    pool = availability[(product.pk, location.warehouse_id)]
    if request.value is None:
        raise _invalid("A revaluation needs the value to add or remove.", "value")
    amount = as_decimal(request.value, "value")
    if amount <= 0 or amount != round_value(amount):
        raise _invalid("A revaluation amount must be positive, with at most four decimal places.", "value")
    if pool.on_hand <= 0:
        raise Conflict(
            f"There is no {product.sku} in {location.warehouse.code} to revalue.", code="insufficient_stock"
        )
    if source is not None and amount > pool.value:
        raise Conflict(
            f"Cannot remove {amount} of value from {product.sku} in {location.warehouse.code}: "
            f"its stock there is worth {pool.value}.",
            code="insufficient_value",
        )
    pool.value += amount if target is not None else -amount
    return pool.on_hand, average_cost(amount, pool.on_hand), amount


def _respread(pool: StockAvailability, rows: dict[int, StockBalance]) -> None:
    """Spread the pool's value over its locations by quantity and refresh its average."""
    shares = spread_value(pool.value, {location_id: row.on_hand for location_id, row in rows.items()})
    for location_id, row in rows.items():
        row.value = shares[location_id]
    pool.average_unit_cost = average_cost(pool.value, pool.on_hand)


def _write(
    plan: _Plan,
    availability: dict[Pair, StockAvailability],
    balances: dict[Pair, dict[int, StockBalance]],
    locked_layers: dict[Pair, list[CostLayer]],
    layers: dict[Pair, list[OpenLayer]],
    before: dict[int, tuple[Decimal, ...]],
) -> None:
    tenant_id = require_tenant_id()
    now = timezone.now()
    StockMove.objects.bulk_create(plan.moves)
    _create_layers(plan, tenant_id)
    if plan.consumptions:
        CostLayerConsumption.objects.bulk_create(
            [
                CostLayerConsumption(
                    tenant_id=tenant_id,
                    layer_id=layer.id,
                    move_id=plan.moves[index].pk,
                    quantity=taken,
                    unit_cost=layer.unit_cost,
                )
                for index, layer, taken in _merged(plan.consumptions)
            ]
        )
    changed_layers = []
    for pair, rows in locked_layers.items():
        remaining = {layer.id: layer.remaining for layer in layers[pair]}
        for row in rows:
            if row.quantity_remaining != remaining[row.id]:
                row.quantity_remaining = remaining[row.id]
                changed_layers.append(row)
    if changed_layers:
        update_fields(changed_layers, ["quantity_remaining"])
    pools = [
        pool
        for pool in availability.values()
        if before[id(pool)] != (pool.on_hand_sellable, pool.on_hand, pool.value, pool.average_unit_cost)
    ]
    for pool in pools:
        pool.updated_at = now
    if pools:
        update_fields(pools, ["on_hand_sellable", "on_hand", "value", "average_unit_cost", "updated_at"])
    changed = [
        balance
        for by_location in balances.values()
        for balance in by_location.values()
        if before[id(balance)] != (balance.on_hand, balance.value)
    ]
    for balance in changed:
        balance.updated_at = now
    if changed:
        update_fields(changed, ["on_hand", "value", "updated_at"])


def _merged(consumptions: list[tuple[int, OpenLayer, Decimal]]) -> list[tuple[int, OpenLayer, Decimal]]:
    """One consumption per (move, layer), summing repeats."""
    totals: dict[tuple[int, int], tuple[OpenLayer, Decimal]] = {}
    for index, layer, taken in consumptions:
        key = (index, id(layer))
        previous = totals.get(key)
        totals[key] = (layer, taken + (previous[1] if previous else ZERO))
    return [(index, layer, taken) for (index, _), (layer, taken) in totals.items()]


def _create_layers(plan: _Plan, tenant_id: int) -> None:
    """Insert the new layers, generation by generation where one derives from another of this batch."""
    pending = list(plan.new_layers)
    while pending:
        ready = [p for p in pending if p.source is None or p.source.id]
        rows = [
            CostLayer(
                tenant_id=tenant_id,
                product_id=p.product_id,
                warehouse_id=p.warehouse_id,
                receipt_move_id=plan.moves[p.move_index].pk,
                source_layer_id=p.source.id if p.source is not None else None,
                # A layer from outside starts its own line; a transferred one keeps its source's.
                origin_move_id=plan.moves[p.move_index].pk if p.source is None else p.source.origin_move_id,
                quantity_in=p.quantity,
                quantity_remaining=p.open.remaining,
                unit_cost=p.open.unit_cost,
                received_at=p.open.received_at,
            )
            for p in ready
        ]
        CostLayer.objects.bulk_create(rows)
        for p, row in zip(ready, rows, strict=True):
            p.open.id, p.open.origin_move_id = row.pk, row.origin_move_id
        pending = [p for p in pending if not p.open.id]
