"""The fields the stock ledger depends on stay fixed once the ledger refers to the row.

A location's warehouse and kind decide which valuation pool and which sellable figure its
moves count in; a warehouse's kind whether it may hold stock at all; a product's unit and
decimals what its quantities mean. Changing one of them on a row that holds stock or has
stock history would rewrite the ledger's past silently (``check_stock_ledger`` then reports
differences): goods move between locations only by stock moves. Reservations need sellable
stock, so a row that holds none holds no reservations either.

``Location``, ``Warehouse`` and ``Product`` call ``refuse_ledger_bound_change`` from their
``save()`` (and ``clean()``, for forms), so the API, the admin and any other caller get the
same answer. It locks the stored row ``FOR UPDATE`` in the saving transaction; ``post_moves``
takes a key-share lock on the products, locations and warehouses it names before it reads
them, so a move either commits first (and the change is refused) or waits and sees the change.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, Sum

from nexus.core.errors import Conflict
from nexus.inventory.models import Location, Product, StockAvailability, StockBalance, StockMove, Warehouse


class LedgerBoundChange(Conflict):
    """A change of a field the ledger depends on, refused; ``field_names`` are the fields."""

    code = "in_use_by_ledger"

    def __init__(self, detail: str, *, field_names: tuple[str, ...]) -> None:
        super().__init__(detail)
        self.field_names = field_names


@dataclass(frozen=True)
class _Bound:
    """What the ledger fixes on one model, how to name a row and say it is in use, the rule."""

    fields: tuple[str, ...]
    name: Callable[[Any], str]
    usage: Callable[[Any], str | None]
    rule: str


def _amount(total: Decimal) -> str:
    return f"{total.normalize():f}"


def _location_usage(location: Location) -> str | None:
    held = StockBalance.objects.filter(location_id=location.pk).aggregate(total=Sum("on_hand"))["total"]
    if held:
        return f"holds {_amount(held)} units"
    moved = StockMove.objects.filter(Q(from_location_id=location.pk) | Q(to_location_id=location.pk))
    return "has stock history" if moved.exists() else None


def _warehouse_usage(warehouse: Warehouse) -> str | None:
    held = StockAvailability.objects.filter(warehouse_id=warehouse.pk).aggregate(total=Sum("on_hand"))[
        "total"
    ]
    if held:
        return f"holds {_amount(held)} units"
    locations = Location.objects.filter(warehouse_id=warehouse.pk).values("pk")
    moved = StockMove.objects.filter(Q(from_location_id__in=locations) | Q(to_location_id__in=locations))
    return "has stock history" if moved.exists() else None


def _product_usage(product: Product) -> str | None:
    held = StockAvailability.objects.filter(product_id=product.pk).aggregate(total=Sum("on_hand"))["total"]
    if held:
        return f"has {_amount(held)} {product.unit} on hand"
    return "has stock history" if StockMove.objects.filter(product_id=product.pk).exists() else None


LEDGER_BOUND: dict[type[Model], _Bound] = {
    Location: _Bound(
        fields=("warehouse", "kind"),
        name=str,  # warehouse code / location code
        usage=_location_usage,
        rule="goods move between locations only by stock moves",
    ),
    Warehouse: _Bound(
        fields=("kind",),
        name=lambda warehouse: warehouse.code,
        usage=_warehouse_usage,
        rule="a warehouse keeps its kind once goods have moved through it",
    ),
    Product: _Bound(
        fields=("unit", "unit_decimals"),
        name=lambda product: product.sku,
        usage=_product_usage,
        rule="a product keeps its unit once its goods have moved; create a new product for another unit",
    ),
}


def refuse_ledger_bound_change(instance: Model, *, update_fields: Iterable[str] | None = None) -> None:
    """Lock the stored row; refuse (``LedgerBoundChange``, 409) a change of a field the ledger
    depends on while the row holds stock or has stock history.

    Call it in the transaction that saves ``instance``: the lock holds until that transaction
    ends. ``update_fields`` is the save's, so a save of other fields costs nothing.
    """
    if instance._state.adding or instance.pk is None:
        return
    model = type(instance)
    bound = LEDGER_BOUND[model]
    fields = [field for field in model._meta.concrete_fields if field.name in bound.fields]
    if update_fields is not None:
        saving = set(update_fields)
        fields = [field for field in fields if saving & {field.name, field.attname}]
    if not fields:
        return
    with transaction.atomic():
        locked = model._default_manager.select_for_update(of=("self",)).filter(pk=instance.pk)
        if model is Location:
            locked = locked.select_related("warehouse")  # its name starts with the warehouse code
        stored = locked.first()
        if stored is None:
            return
        changed = [f for f in fields if getattr(stored, f.attname) != getattr(instance, f.attname)]
        usage = bound.usage(stored) if changed else None
    if usage is None:
        return
    what = " and ".join(str(field.verbose_name) for field in changed)
    raise LedgerBoundChange(
        f"Cannot change the {what} of {model._meta.verbose_name} {bound.name(stored)}: it {usage}; "
        f"{bound.rule}.",
        field_names=tuple(field.name for field in changed),
    )
