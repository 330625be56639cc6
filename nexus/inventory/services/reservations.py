"""Reservations: promise sellable stock to a source, atomically; confirm, release, consume, expire.

Reserving is one conditional statement on the availability row::

    UPDATE inventory_stockavailability SET reserved = reserved + q
     WHERE product_id = p AND warehouse_id = w AND on_hand_sellable - reserved >= q

so two requests can never both take the last unit (and the database's check
``reserved <= on_hand_sellable`` is a second line of defence). State changes go through the
kernel's transition service; the writes of ``release``, ``expire`` and ``consume`` (declared in
``InventoryConfig.ready``, so every caller runs them) give the open quantity back to the
warehouse under the reservation's lock. Lock order: reservations, then availability rows
(DESIGN.md §1).
"""

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from nexus.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from nexus.core.models.refs import ActorRef
from nexus.core.scope import require_tenant_id
from nexus.core.transitions import Actor, TransitionChange, perform_transition
from nexus.inventory.models import (
    OPEN_STATES,
    Location,
    LocationKind,
    Product,
    Reservation,
    ReservationState,
    StockAvailability,
    StockBalance,
    Warehouse,
    WarehouseKind,
)
from nexus.inventory.quantities import (
    QUANTITY_DIGITS,
    QUANTITY_PLACES,
    ZERO,
    ZERO_QUANTITY,
    checked_quantity,
)

from . import events
from .reservation_sources import check_sources

logger = logging.getLogger(__name__)

EXPIRY_ACTOR = ActorRef.system("reservation expiry")


@dataclass(frozen=True)
class SourceRef:
    """What a reservation is for: a document line by type (``app_label.model``) and id."""

    type: str
    id: int


@dataclass(frozen=True)
class ReservationRequest:
    product_id: int
    warehouse_id: int
    quantity: Decimal | int | str
    required_date: dt.date
    source: SourceRef
    expires_at: dt.datetime | None = None
    note: str = ""


def _invalid(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: [message]})


def _check_source(request: ReservationRequest) -> None:
    if not request.source.type or len(request.source.type) > 100:
        raise _invalid("Name the source type (app_label.model, at most 100 characters).", "source_type")
    if not isinstance(request.source.id, int) or request.source.id <= 0:
        raise _invalid("The source id must be a positive integer.", "source_id")
    if not isinstance(request.required_date, dt.date) or isinstance(request.required_date, dt.datetime):
        raise _invalid("The required date must be a date.", "required_date")
    if request.expires_at is not None and request.expires_at <= timezone.now():
        raise _invalid("The expiry time is already past.", "expires_at")


def _check_request(request: ReservationRequest, product: Product | None) -> Decimal:
    if product is None:
        raise _invalid(f"Product {request.product_id} does not exist.", "product")
    if not product.active:
        raise _invalid(f"{product.sku} is inactive and cannot be reserved.", "product")
    _check_source(request)
    return checked_quantity(request.quantity, unit=product.unit, unit_decimals=product.unit_decimals)


@functools.cache
def _take_sql() -> str:
    a, p = StockAvailability._meta.db_table, Product._meta.db_table
    product = f"FROM {p} WHERE {p}.id = {a}.product_id"
    return (
        f"UPDATE {a} SET reserved = reserved + %s, updated_at = %s "  # noqa: S608
        "WHERE tenant_id = %s AND product_id = %s AND warehouse_id = %s "
        "AND on_hand_sellable >= reserved + %s "
        f"AND EXISTS (SELECT 1 {product} AND {p}.active) RETURNING (SELECT {p}.unit_decimals {product})"
    )


def _take_free_stock(request: ReservationRequest, quantity: Decimal) -> int | None:
    """Reserve ``quantity`` on the availability row in one statement, if the product is active
    and that much is free; return the product's unit decimals, or None when nothing was taken.

    One conditional ``UPDATE … RETURNING`` (PostgreSQL and SQLite) instead of a product look-up
    and an update: this is the hot path of order entry.
    """
    ops = connection.ops
    amount = ops.adapt_decimalfield_value(quantity, QUANTITY_DIGITS, QUANTITY_PLACES)
    with connection.cursor() as cursor:
        cursor.execute(
            _take_sql(),
            [
                amount,
                ops.adapt_datetimefield_value(timezone.now()),
                require_tenant_id(),
                request.product_id,
                request.warehouse_id,
                amount,
            ],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def reserve(request: ReservationRequest, *, actor: ActorRef) -> Reservation:
    """Hold ``quantity`` of sellable stock for the source; refuse (409) when not enough is free.

    Raises ``InvalidInput`` for an unknown or inactive product, a bad quantity, a source of an
    unregistered type or missing from the tenant (``reservation_sources``), and ``Conflict``
    (``insufficient_stock``) naming what is free when the stock is not there.
    """
    _check_source(request)
    check_sources([request.source])
    quantity = checked_quantity(request.quantity, unit="", unit_decimals=QUANTITY_PLACES)
    with transaction.atomic():
        unit_decimals = _take_free_stock(request, quantity)
        if unit_decimals is None:
            product = Product.objects.filter(pk=request.product_id).first()
            _check_request(request, product)
            raise _shortage(request, quantity)
        if quantity != quantity.quantize(Decimal(1).scaleb(-unit_decimals), rounding=ROUND_DOWN):
            # Finer than the unit allows: say so in the unit's words (the update rolls back).
            _check_request(request, Product.objects.get(pk=request.product_id))
        reservation = _new_reservation(request, quantity, actor)
        reservation.save()
        events.publish_reservation(reservation)
    return reservation


def reserve_many(requests: Sequence[ReservationRequest], *, actor: ActorRef) -> list[Reservation]:
    """Reserve several lines at once, all or none; return the reservations in request order.

    Checks the sources (one query per source type), locks the availability rows involved
    (ascending id), checks every line against what is free (lines for the same product and
    warehouse add up), then writes: a constant number of queries plus one outbox event per
    reservation.
    """
    if not requests:
        return []
    with transaction.atomic():
        products = Product.objects.in_bulk({r.product_id for r in requests})
        quantities = [_check_request(r, products.get(r.product_id)) for r in requests]
        check_sources(r.source for r in requests)
        rows = _lock_availability({(r.product_id, r.warehouse_id) for r in requests})
        wanted: dict[tuple[int, int], Decimal] = {}
        for request, quantity in zip(requests, quantities, strict=True):
            key = (request.product_id, request.warehouse_id)
            wanted[key] = wanted.get(key, ZERO) + quantity
        now = timezone.now()
        for key, quantity in wanted.items():
            row = rows.get(key)
            if row is None or row.on_hand_sellable - row.reserved < quantity:
                first = next(r for r in requests if (r.product_id, r.warehouse_id) == key)
                raise _shortage(first, quantity, row)
            row.reserved += quantity
            row.updated_at = now
        StockAvailability.objects.bulk_update([rows[key] for key in wanted], ["reserved", "updated_at"])
        reservations = [
            _new_reservation(request, quantity, actor)
            for request, quantity in zip(requests, quantities, strict=True)
        ]
        Reservation.objects.bulk_create(reservations)
        for reservation in reservations:
            events.publish_reservation(reservation)
    return reservations


def _lock_availability(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], StockAvailability]:
    """Lock the availability rows of these (product, warehouse) pairs, ascending id."""
    condition = Q()
    for product_id, warehouse_id in pairs:
        condition |= Q(product_id=product_id, warehouse_id=warehouse_id)
    return {
        (row.product_id, row.warehouse_id): row
        for row in StockAvailability.objects.select_for_update().filter(condition).order_by("id")
    }


def reserve_up_to(requests: Sequence[ReservationRequest], *, actor: ActorRef) -> list[Decimal]:
    """Reserve as much of each request as is free, in request order; return what each got.

    Never refuses for a shortage: a request takes what earlier ones left free, rounded down to
    its product's unit, and one that finds nothing free gets zero (and no reservation). Locks the
    availability rows involved (ascending id) before deciding, then reserves through
    ``reserve_many``, so the same checks apply (unknown or inactive product, bad source).
    """
    if not requests:
        return []
    with transaction.atomic():
        products = Product.objects.in_bulk({r.product_id for r in requests})
        condition = Q()
        for product_id, warehouse_id in {(r.product_id, r.warehouse_id) for r in requests}:
            condition |= Q(product_id=product_id, warehouse_id=warehouse_id)
        free = {
            (row.product_id, row.warehouse_id): max(row.on_hand_sellable - row.reserved, ZERO)
            for row in StockAvailability.objects.select_for_update().filter(condition).order_by("id")
        }
        taken: list[Decimal] = []
        granted: list[ReservationRequest] = []
        for request in requests:
            quantity = _check_request(request, products.get(request.product_id))
            step = Decimal(1).scaleb(-products[request.product_id].unit_decimals)
            key = (request.product_id, request.warehouse_id)
            take = min(quantity, free.get(key, ZERO)).quantize(step, rounding=ROUND_DOWN)
            if take > 0:
                free[key] -= take
                granted.append(dataclasses.replace(request, quantity=take))
            taken.append(max(take, ZERO_QUANTITY))
        reserve_many(granted, actor=actor)
    return taken


def reserve_staged(
    requests: Sequence[ReservationRequest], location_id: int, *, actor: ActorRef
) -> list[Reservation]:
    """Pin reservations to goods lying at a staging location, all or none (cross-docking).

    The goods must already be there and not pinned to another reservation; they count in the
    warehouse's ``reserved_staged``, not in sellable stock. Locks the availability rows
    (ascending id) before reading the location's balances and pins, so two callers cannot pin
    the same goods. Raises ``InvalidInput`` for a location that is not an active staging
    location of the requests' warehouse, and ``Conflict`` (``insufficient_stock``) when the
    location holds too little that is not pinned yet.
    """
    if not requests:
        return []
    with transaction.atomic():
        location = Location.objects.select_related("warehouse").filter(pk=location_id).first()
        if location is None or location.kind != LocationKind.STAGING or not location.active:
            raise _invalid(f"Location {location_id} is not an active staging location.", "location")
        if any(r.warehouse_id != location.warehouse_id for r in requests):
            raise _invalid(f"{location} is not in the warehouse of every request.", "warehouse")
        products = Product.objects.in_bulk({r.product_id for r in requests})
        quantities = [_check_request(r, products.get(r.product_id)) for r in requests]
        check_sources(r.source for r in requests)
        rows = _lock_availability({(r.product_id, r.warehouse_id) for r in requests})
        wanted: dict[int, Decimal] = {}
        for request, quantity in zip(requests, quantities, strict=True):
            wanted[request.product_id] = wanted.get(request.product_id, ZERO) + quantity
        here = dict(
            StockBalance.objects.filter(location_id=location_id, product_id__in=wanted).values_list(
                "product_id", "on_hand"
            )
        )
        pinned = pinned_at({(product_id, location_id) for product_id in wanted})
        now = timezone.now()
        for product_id, quantity in wanted.items():
            free = here.get(product_id, ZERO) - pinned.get((product_id, location_id), ZERO)
            if free < quantity:
                product = products[product_id]
                raise Conflict(
                    f"Cannot pin {quantity.normalize():f} {product.unit} of {product.sku} at {location}: "
                    f"{max(free, ZERO).normalize():f} there are not pinned yet.",
                    code="insufficient_stock",
                )
            row = rows[(product_id, location.warehouse_id)]
            row.reserved_staged += quantity
            row.updated_at = now
        StockAvailability.objects.bulk_update(
            [rows[(p, location.warehouse_id)] for p in wanted], ["reserved_staged", "updated_at"]
        )
        reservations = [
            _new_reservation(request, quantity, actor, location_id=location_id)
            for request, quantity in zip(requests, quantities, strict=True)
        ]
        Reservation.objects.bulk_create(reservations)
        for reservation in reservations:
            events.publish_reservation(reservation)
    return reservations


def pinned_at(keys: set[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """The open quantity pinned to each (product, location), in one query (absent: none)."""
    if not keys:
        return {}
    condition = Q()
    for product_id, location_id in keys:
        condition |= Q(product_id=product_id, location_id=location_id)
    rows = (
        Reservation.objects.filter(condition, state__in=OPEN_STATES)
        .values("product_id", "location_id")
        .annotate(open=Sum(F("quantity") - F("consumed_quantity")))
        .values_list("product_id", "location_id", "open")
        .order_by()
    )
    return {(product_id, location_id): open_quantity for product_id, location_id, open_quantity in rows}


def pinned_for_sources(source_type: str, source_ids: Iterable[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """The staged goods each source's open pinned reservations hold: source id -> [(location id,
    open quantity)], oldest required date first; one query."""
    pinned: dict[int, list[tuple[int, Decimal]]] = {}
    rows = (
        Reservation.objects.filter(
            source_type=source_type,
            source_id__in=set(source_ids),
            state__in=OPEN_STATES,
            location__isnull=False,
        )
        .order_by("required_date", "id")
        .values_list("source_id", "location_id", "quantity", "consumed_quantity")
    )
    for source_id, location_id, quantity, consumed in rows:
        pinned.setdefault(source_id, []).append((location_id, quantity - consumed))
    return pinned


def _new_reservation(
    request: ReservationRequest, quantity: Decimal, actor: ActorRef, *, location_id: int | None = None
) -> Reservation:
    return Reservation(
        location_id=location_id,
        tenant_id=require_tenant_id(),
        product_id=request.product_id,
        warehouse_id=request.warehouse_id,
        quantity=quantity,
        required_date=request.required_date,
        source_type=request.source.type,
        source_id=request.source.id,
        expires_at=request.expires_at,
        note=request.note[:255],
        consumed_quantity=ZERO_QUANTITY,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:255],
    )


def _shortage(
    request: ReservationRequest, quantity: Decimal, row: StockAvailability | None = None
) -> InvalidInput | Conflict:
    """The error for a reservation that found too little free stock, with the figures."""
    warehouse = Warehouse.objects.filter(pk=request.warehouse_id).first()
    if warehouse is None:
        return _invalid(f"Warehouse {request.warehouse_id} does not exist.", "warehouse")
    if warehouse.kind == WarehouseKind.DROPSHIP:
        return _invalid(
            f"{warehouse.code} is a dropship warehouse; it holds no stock to reserve.", "warehouse"
        )
    product = Product.objects.get(pk=request.product_id)
    if row is None:
        row = StockAvailability.objects.filter(product_id=product.pk, warehouse_id=warehouse.pk).first()
    sellable = row.on_hand_sellable if row else ZERO
    reserved = row.reserved if row else ZERO
    free = max(sellable - reserved, ZERO)
    return Conflict(
        f"Cannot reserve {quantity.normalize():f} {product.unit} of {product.sku} in {warehouse.code}: "
        f"{free.normalize():f} free ({sellable.normalize():f} sellable, {reserved.normalize():f} reserved).",
        code="insufficient_stock",
    )


def _give_back(reservation: Reservation, quantity: Decimal) -> None:
    """Lower the warehouse's reserved (or, for a pinned reservation, reserved staged) quantity by
    what the reservation held (under its lock)."""
    if quantity <= 0:
        return
    figure = "reserved" if reservation.location_id is None else "reserved_staged"
    changed = StockAvailability.objects.filter(
        product_id=reservation.product_id,
        warehouse_id=reservation.warehouse_id,
        **{f"{figure}__gte": quantity},
    ).update(**{figure: F(figure) - quantity}, updated_at=timezone.now())
    if changed != 1:
        raise Conflict(
            f"The warehouse holds less reserved than reservation {reservation.pk}; run check_stock_ledger.",
            code="ledger_inconsistent",
        )


def give_back_open(change: TransitionChange) -> None:
    """The writes of ``release`` and ``expire``: the open quantity goes back to the warehouse."""
    reservation: Reservation = change.instance
    _give_back(reservation, reservation.quantity - reservation.consumed_quantity)


def consume_open(change: TransitionChange) -> None:
    """The writes of ``consume``: the open quantity leaves the warehouse's reserved, all consumed."""
    reservation: Reservation = change.instance
    _give_back(reservation, reservation.quantity - reservation.consumed_quantity)
    reservation.consumed_quantity = reservation.quantity


def release(reservation_id: int, *, actor: Actor, reason: str = "", idempotency_key: str = "") -> Reservation:
    """Release a held or confirmed reservation: its open quantity becomes free again."""
    return _move(reservation_id, "release", actor=actor, reason=reason, idempotency_key=idempotency_key)


def confirm(reservation_id: int, *, actor: Actor, reason: str = "", idempotency_key: str = "") -> Reservation:
    """Confirm a held reservation: it keeps its stock and no longer expires."""
    return _move(reservation_id, "confirm", actor=actor, reason=reason, idempotency_key=idempotency_key)


def _move(
    reservation_id: int, name: str, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> Reservation:
    result = perform_transition(
        (Reservation, reservation_id), name, actor=actor, reason=reason, idempotency_key=idempotency_key
    )
    instance: Reservation = result.instance
    return instance


def release_for_source(source: SourceRef, *, actor: Actor, reason: str = "") -> list[Reservation]:
    """Release every open reservation of ``source`` (cancelling a document line or order)."""
    with transaction.atomic():
        ids = list(
            Reservation.objects.select_for_update()
            .filter(source_type=source.type, source_id=source.id, state__in=OPEN_STATES)
            .order_by("id")
            .values_list("id", flat=True)
        )
        return [release(pk, actor=actor, reason=reason) for pk in ids]


def consume(
    source: SourceRef, product_id: int, warehouse_id: int, quantity: Decimal | int | str, *, actor: Actor
) -> Decimal:
    """Consume up to ``quantity`` of the source's open reservations of a product in a warehouse.

    Pinned reservations (staged goods) first, then oldest required date first; a reservation
    taken in full becomes ``consumed`` (through the transition service), one taken in part keeps
    its state with a larger ``consumed_quantity``.
    Returns the quantity consumed (less than asked when the source reserved less). Call it in
    the transaction that issues the goods, before the issue (``stock.issue`` does), so the
    stock reserved for this source can leave.
    """
    with transaction.atomic():
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise _invalid(f"Product {product_id} does not exist.", "product")
        wanted = checked_quantity(quantity, unit=product.unit, unit_decimals=product.unit_decimals)
        open_reservations = sorted(
            Reservation.objects.select_for_update()
            .filter(
                source_type=source.type,
                source_id=source.id,
                product_id=product_id,
                warehouse_id=warehouse_id,
                state__in=OPEN_STATES,
            )
            .order_by("id"),
            # Pinned goods first: shipping picks them from staging before any stock location.
            key=lambda r: (r.location_id is None, r.required_date, r.pk),
        )
        left = wanted
        for reservation in open_reservations:
            if left <= 0:
                break
            held = reservation.quantity - reservation.consumed_quantity
            take = min(held, left)
            left -= take
            if take == held:
                perform_transition(reservation, "consume", actor=actor)
            else:
                reservation.consumed_quantity += take
                reservation.save(update_fields=["consumed_quantity", "updated_at"])
                _give_back(reservation, take)
                events.publish_reservation(reservation)
        return wanted - left


def consume_for_source(
    source: SourceRef, product_id: int, location_id: int, quantity: Decimal | int | str, *, actor: Actor
) -> Decimal:
    """``consume`` for goods leaving ``location_id`` (its warehouse's reservations)."""
    location = Location.objects.filter(pk=location_id).only("warehouse_id").first()
    if location is None:
        raise _invalid(f"Location {location_id} does not exist.", "from_location")
    return consume(source, product_id, location.warehouse_id, quantity, actor=actor)


def expire_reservations(*, limit: int = 1000) -> int:
    """Expire the current tenant's held reservations whose time is up; return how many.

    Each expiry is its own transition (and transaction), so one failure does not hold back
    the others; one confirmed or released meanwhile is skipped.
    """
    due = list(
        Reservation.objects.filter(state=ReservationState.HELD, expires_at__lte=timezone.now())
        .order_by("expires_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    expired = 0
    for pk in due:
        try:
            _move(pk, "expire", actor=EXPIRY_ACTOR, reason="The hold expired.")
        except TransitionNotAllowed:
            continue  # confirmed or released since it was listed
        expired += 1
    return expired
