"""Set-based reads for planning and other domains: availability, supply/demand by day, stock value."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DateField, DecimalField, F, QuerySet, Sum, Value, When
from django.db.models.functions import Greatest

from nexus.inventory.models import (
    OPEN_STATES,
    CostLayer,
    LocationKind,
    Reservation,
    StockAvailability,
    StockBalance,
)

# Supply/demand kinds inventory contributes; procurement and sales add their own.
ON_HAND = "on_hand"
STAGED = "staged"
RESERVATION = "reservation"


@dataclass(frozen=True)
class SupplyDemandRow:
    """Supply (positive quantity) or demand (negative) of a product in a warehouse on a day.

    A running sum of ``quantity`` by date is the projected available balance; ``kind`` says
    where the row comes from (``on_hand``, ``reservation``, and the kinds other domains add).
    """

    product_id: int
    warehouse_id: int
    date: dt.date
    kind: str
    quantity: Decimal


@dataclass(frozen=True)
class Availability:
    """Sellable stock of a product in a warehouse, what is reserved of it, and its valuation."""

    product_id: int
    warehouse_id: int
    on_hand_sellable: Decimal
    reserved: Decimal
    on_hand: Decimal
    value: Decimal
    average_unit_cost: Decimal

    @property
    def free(self) -> Decimal:
        return self.on_hand_sellable - self.reserved


def availability(
    product_ids: Iterable[int], warehouse_ids: Iterable[int] | None = None
) -> Mapping[tuple[int, int], Availability]:
    """Availability by (product id, warehouse id) in one query (unlocked: a snapshot).

    Pairs with no stock ever are absent; read them as zero.
    """
    rows = StockAvailability.objects.filter(product_id__in=list(product_ids))
    if warehouse_ids is not None:
        rows = rows.filter(warehouse_id__in=list(warehouse_ids))
    return {
        (row.product_id, row.warehouse_id): Availability(
            product_id=row.product_id,
            warehouse_id=row.warehouse_id,
            on_hand_sellable=row.on_hand_sellable,
            reserved=row.reserved,
            on_hand=row.on_hand,
            value=row.value,
            average_unit_cost=row.average_unit_cost,
        )
        for row in rows
    }


def on_hand_now(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date
) -> QuerySet[StockAvailability, tuple[int, int, dt.date, Decimal]]:
    """Sellable stock on hand: ``(product, warehouse, start, quantity)``, positive only; one query."""
    return (
        StockAvailability.objects.filter(
            product_id__any=list(product_ids),
            warehouse_id__any=list(warehouse_ids),
            on_hand_sellable__gt=0,
        )
        .annotate(day=Value(start, DateField()))
        .values_list("product_id", "warehouse_id", "day", "on_hand_sellable")
        .order_by()
    )


def staged_now(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date
) -> QuerySet[StockBalance, tuple[int, int, dt.date, Decimal]]:
    """Stock in staging locations summed by warehouse: ``(product, warehouse, start, quantity)``."""
    return (
        StockBalance.objects.filter(
            product_id__any=list(product_ids),
            location__warehouse_id__any=list(warehouse_ids),
            location__kind=LocationKind.STAGING,
            on_hand__gt=0,
        )
        .values("product_id", "location__warehouse_id")
        .annotate(day=Value(start, DateField()), quantity=Sum("on_hand"))
        .values_list("product_id", "location__warehouse_id", "day", "quantity")
        .order_by()
    )


def reservations_by_day(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> QuerySet[Reservation, tuple[int, int, dt.date, Decimal]]:
    """Open held and confirmed reservations summed by the database: ``(product, warehouse, day, quantity)``.

    ``quantity`` is negative (demand), what is still reserved (less consumed); those already
    overdue are summed into ``start``, those after ``end`` left out. One query, unordered.
    """
    return (
        Reservation.objects.filter(
            product_id__any=list(product_ids),
            warehouse_id__any=list(warehouse_ids),
            state__in=OPEN_STATES,
            required_date__lte=end,
        )
        .values("product_id", "warehouse_id", day=Greatest("required_date", Value(start, DateField())))
        .annotate(quantity=-Sum(F("quantity") - F("consumed_quantity")))
        .filter(quantity__lt=0)
        .values_list("product_id", "warehouse_id", "day", "quantity")
        .order_by()
    )


def supply_demand(
    product_ids: Iterable[int], warehouse_ids: Iterable[int], start: dt.date, end: dt.date
) -> list[SupplyDemandRow]:
    """Inventory's supply and demand per product, warehouse and day between ``start`` and ``end``.

    Supply: sellable stock on hand now and stock in staging locations (kind ``staged``), dated
    ``start``. Demand: open held and confirmed reservations by required date (negative), those
    already overdue dated ``start``; those after ``end`` are left out. Three queries whatever the
    number of products and warehouses.
    Rows are ordered by product, warehouse, date and kind.
    """
    products = list(product_ids)
    warehouses = list(warehouse_ids)
    if end < start:
        raise ValueError("end is before start")
    if not products or not warehouses:
        return []
    rows = [
        SupplyDemandRow(p, w, day, kind, quantity)
        for kind, query in (
            (ON_HAND, on_hand_now(products, warehouses, start)),
            (STAGED, staged_now(products, warehouses, start)),
            (RESERVATION, reservations_by_day(products, warehouses, start, end)),
        )
        for p, w, day, quantity in query
    ]
    rows.sort(key=lambda r: (r.product_id, r.warehouse_id, r.date, r.kind))
    return rows


@dataclass(frozen=True)
class ReceiptPosition:
    """What became of the goods one move brought in: how many, and where those still on hand are."""

    move_id: int
    received: Decimal
    on_hand: Mapping[int, Decimal]  # warehouse id -> quantity of these goods still there

    @property
    def on_hand_total(self) -> Decimal:
        return sum(self.on_hand.values(), Decimal(0))

    @property
    def consumed(self) -> Decimal:
        """Issued, shipped, scrapped or adjusted away (first-in-first-out), wherever it went."""
        return self.received - self.on_hand_total


def receipt_positions(move_ids: Iterable[int]) -> Mapping[int, ReceiptPosition]:
    """For each receipt (or other inbound) move, its goods on hand by warehouse and consumed; one query.

    Follows the goods through transfers between warehouses (cost layers keep their origin), so a
    landed cost can split a charge into the share still on hand, where, and the share consumed.
    Moves that brought nothing in from outside are absent.
    """
    zero = Value(Decimal(0), output_field=DecimalField())
    rows = (
        CostLayer.objects.filter(origin_move_id__any=list(move_ids))
        .values("origin_move_id", "warehouse_id")
        .annotate(
            received=Sum(Case(When(source_layer__isnull=True, then=F("quantity_in")), default=zero)),
            remaining=Sum("quantity_remaining"),
        )
        .order_by()
    )
    received: dict[int, Decimal] = defaultdict(Decimal)
    on_hand: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        received[row["origin_move_id"]] += row["received"]
        if row["remaining"]:
            on_hand[row["origin_move_id"]][row["warehouse_id"]] = row["remaining"]
    return {
        move_id: ReceiptPosition(move_id, quantity, dict(sorted(on_hand[move_id].items())))
        for move_id, quantity in received.items()
    }


def stock_value_by_warehouse() -> list[tuple[str, Decimal]]:
    """The valuation of every warehouse of the current tenant, largest first, in one query."""
    rows = (
        StockAvailability.objects.order_by()
        .values("warehouse__code")
        .annotate(total=Sum("value"))
        .filter(total__gt=0)
        .order_by("-total", "warehouse__code")
        .values_list("warehouse__code", "total")
    )
    return [(code, total) for code, total in rows]
