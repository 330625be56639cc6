"""Transfer orders, step by step: drafting, and the writes of approve, ship, receive, close, cancel.

The writes are declared with the transitions in ``SupplyChainOpsConfig.ready`` so that every
caller (admin, API, a planning run, a test) runs them under the order's lock; inventory is reached
only through the ``TransferStock`` contract. Lock order: the order (by the transition service),
then its lines, then inventory's rows (through the contract).
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound
from nexus.core.models.refs import ObjectRef
from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.core.transitions.actors import actor_ref
from supply_chain_ops import wiring
from supply_chain_ops.contracts.transfers import LineQuantity, TransferRef
from supply_chain_ops.models.transfers import (
    DOCUMENT_TYPE,
    LINE_SOURCE_TYPE,
    TransferOrder,
    TransferOrderLine,
    TransferOrderStatus,
)
from supply_chain_ops.workflows.receipts import receive_in_parts

NUMBER_TYPE = "TO"


def existing_line_ids(ids: frozenset[int]) -> Collection[int]:
    """The reservation-source resolver of transfer lines: those of the current tenant."""
    return set(TransferOrderLine.objects.filter(pk__in=ids).values_list("pk", flat=True))


def register_line_source() -> None:
    """Let inventory reserve for transfer lines (from ``SupplyChainOpsConfig.ready``)."""
    wiring.transfer_stock().register_line_source(LINE_SOURCE_TYPE, existing_line_ids)


def _ref(order: TransferOrder) -> TransferRef:
    return TransferRef(DOCUMENT_TYPE, order.pk, LINE_SOURCE_TYPE)


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _quantity(value: Decimal | int | str, unit: str, unit_decimals: int, field: str) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(f"{value!r} is not a quantity.", field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise _invalid("A quantity must be greater than zero.", field)
    if quantity != quantity.quantize(Decimal(1).scaleb(-unit_decimals)):
        raise _invalid(f"Quantities in {unit} have at most {unit_decimals} decimal places.", field)
    return quantity


def _q(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _is_zero(value: Decimal | int | str) -> bool:
    try:
        return Decimal(str(value)) == 0
    except InvalidOperation:
        return False


def draft_transfer(
    *,
    source_warehouse_id: int,
    destination_warehouse_id: int,
    expected_date: dt.date,
    lines: Sequence[tuple[int, Decimal | int | str]],
    actor: Actor,
    ship_date: dt.date | None = None,
    notes: str = "",
) -> TransferOrder:
    """Create a draft transfer of ``(product id, quantity)`` lines between two physical warehouses.

    The one way transfers are made: by hand (admin, API) and by planning runs alike.
    """
    ship_date = ship_date or timezone.localdate()
    stock = wiring.transfer_stock()
    warehouses = stock.warehouses({source_warehouse_id, destination_warehouse_id})
    for field, pk in (
        ("source_warehouse", source_warehouse_id),
        ("destination_warehouse", destination_warehouse_id),
    ):
        facts = warehouses.get(pk)
        if facts is None:
            raise _invalid(f"Warehouse {pk} does not exist.", field)
        if not facts.holds_stock or not facts.active:
            raise _invalid(f"{facts.code} is not an active physical warehouse.", field)
    if source_warehouse_id == destination_warehouse_id:
        raise _invalid("A transfer goes between two different warehouses.", "destination_warehouse")
    if expected_date < ship_date:
        raise _invalid("The expected arrival cannot be before the ship date.", "expected_date")
    if not lines:
        raise _invalid("A transfer needs at least one line.", "lines")
    products = stock.products({product_id for product_id, _ in lines})
    rows = []
    for product_id, value in lines:
        product = products.get(product_id)
        if product is None or not product.active:
            raise _invalid(f"Product {product_id} does not exist or is inactive.", "lines")
        quantity = _quantity(value, product.unit, product.unit_decimals, "lines")
        rows.append((product, quantity))
    with transaction.atomic():
        order = TransferOrder(
            number=next_number(NUMBER_TYPE),
            source_warehouse_id=source_warehouse_id,
            destination_warehouse_id=destination_warehouse_id,
            ship_date=ship_date,
            expected_date=expected_date,
            notes=notes,
        )
        order.save()
        TransferOrderLine.objects.bulk_create(
            [
                TransferOrderLine(
                    tenant_id=order.tenant_id,
                    order=order,
                    product_id=product.id,
                    sku=product.sku,
                    unit=product.unit,
                    quantity=quantity,
                )
                for product, quantity in rows
            ]
        )
        record_event(
            "supply_chain.transfer_drafted",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(order),
            data={"number": order.number, "lines": [[p.id, q] for p, q in rows]},
        )
    return order


def _move(
    order: TransferOrder | int, name: str, *, actor: Actor, reason: str = "", **options: Any
) -> TransferOrder:
    target = order if isinstance(order, TransferOrder) else (TransferOrder, order)
    result: TransitionResult = perform_transition(target, name, actor=actor, reason=reason, **options)
    moved: TransferOrder = result.instance
    return moved


def approve(order: TransferOrder | int, *, actor: Actor, idempotency_key: str = "") -> TransferOrder:
    """Approve a draft: its quantities are reserved at the source (409 when the stock is not free)."""
    return _move(order, "approve", actor=actor, idempotency_key=idempotency_key)


def ship(order: TransferOrder | int, *, actor: Actor, idempotency_key: str = "") -> TransferOrder:
    """Ship an approved transfer: its reservations are consumed, the goods go into transit."""
    return _move(order, "ship", actor=actor, idempotency_key=idempotency_key)


def receive(
    order: TransferOrder | int,
    quantities: Mapping[int, Decimal | int | str] | None = None,
    *,
    actor: Actor,
    idempotency_key: str = "",
) -> TransitionResult:
    """Receive goods at the destination: the given quantities per line id, else all in transit.

    Refuses more than is in transit on a line (409 ``over_receipt``). The order becomes received
    when nothing is left in transit, partially received otherwise. A request repeated with its
    idempotency key replays the first receipt (``result.replayed``) instead of receiving again.
    """
    order_id = order.pk if isinstance(order, TransferOrder) else order
    with transaction.atomic():
        locked = TransferOrder.objects.select_for_update().filter(pk=order_id).first()
        if locked is None:
            raise NotFound(f"No transfer order {order_id} in this tenant.")
        lines = {line.pk: line for line in locked.lines.order_by("id")}
        return receive_in_parts(
            locked,
            {pk: line.in_transit for pk, line in lines.items()},
            quantities,
            lambda wanted: _receipt_quantities(locked, lines, wanted),
            actor=actor,
            idempotency_key=idempotency_key,
        )


def _receipt_quantities(
    order: TransferOrder, lines: Mapping[int, TransferOrderLine], wanted: Mapping[Any, Any]
) -> dict[int, Decimal]:
    parsed: dict[int, Decimal] = {}
    for key, value in wanted.items():
        line = lines.get(int(key))
        if line is None:
            raise _invalid(f"Line {key} is not a line of {order}.", "lines")
        if _is_zero(value):
            continue
        quantity = _quantity(value, line.unit, 4, "lines")
        if quantity > line.in_transit:
            raise Conflict(
                f"Cannot receive {_q(quantity)} {line.unit} of {line.sku} on {order}: only "
                f"{_q(line.in_transit)} {line.unit} are in transit "
                f"({_q(line.shipped_quantity)} shipped, {_q(line.received_quantity)} received).",
                code="over_receipt",
            )
        parsed[line.pk] = quantity
    if not parsed:
        raise _invalid(f"Nothing to receive on {order}.", "lines")
    return parsed


def close(
    order: TransferOrder | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransferOrder:
    """Close a shipped transfer; what is still in transit is written off, which needs a reason."""
    return _move(order, "close", actor=actor, reason=reason, idempotency_key=idempotency_key)


def cancel(
    order: TransferOrder | int, *, actor: Actor, reason: str, idempotency_key: str = ""
) -> TransferOrder:
    """Cancel a transfer before it ships; an approved one's reservations are released."""
    return _move(order, "cancel", actor=actor, reason=reason, idempotency_key=idempotency_key)


# The transitions' writes (declared in SupplyChainOpsConfig.ready).


def _locked_lines(order: TransferOrder) -> list[TransferOrderLine]:
    return list(TransferOrderLine.objects.select_for_update().filter(order=order).order_by("id"))


def reserve_at_source(change: TransitionChange) -> None:
    """``approve``: reserve every line at the source, for the ship date."""
    order: TransferOrder = change.instance
    lines = _locked_lines(order)
    wiring.transfer_stock().reserve(
        _ref(order),
        order.source_warehouse_id,
        order.ship_date,
        [LineQuantity(line.pk, line.product_id, line.quantity) for line in lines],
        actor=change.actor,
    )


def ship_into_transit(change: TransitionChange) -> None:
    """``ship``: consume the reservations and move every line into the source's transit location."""
    order: TransferOrder = change.instance
    lines = _locked_lines(order)
    wiring.transfer_stock().ship(
        _ref(order),
        order.source_warehouse_id,
        [LineQuantity(line.pk, line.product_id, line.quantity) for line in lines],
        actor=change.actor,
    )
    for line in lines:
        line.shipped_quantity = line.quantity
    TransferOrderLine.objects.bulk_update(lines, ["shipped_quantity"])


def receive_from_transit(change: TransitionChange) -> None:
    """``receive_part`` / ``receive_all``: move the payload's quantities into the destination."""
    order: TransferOrder = change.instance
    lines = {line.pk: line for line in _locked_lines(order)}
    quantities = _receipt_quantities(order, lines, change.payload.get("lines") or {})
    expected_rest = sum(line.in_transit for line in lines.values()) - sum(quantities.values())
    if (change.name == "receive_all") != (expected_rest == 0):
        raise Conflict(
            f"{order} changed since the receipt was prepared; try again.", code="concurrent_change"
        )
    received = [lines[pk] for pk in sorted(quantities)]
    wiring.transfer_stock().receive(
        _ref(order),
        order.source_warehouse_id,
        order.destination_warehouse_id,
        [LineQuantity(line.pk, line.product_id, quantities[line.pk]) for line in received],
        actor=change.actor,
    )
    for line in received:
        line.received_quantity += quantities[line.pk]
    TransferOrderLine.objects.bulk_update(received, ["received_quantity"])


def write_off_in_transit(change: TransitionChange) -> None:
    """``close``: take what is still in transit out of the ledger, with the close's reason."""
    order: TransferOrder = change.instance
    lines = [line for line in _locked_lines(order) if line.in_transit > 0]
    if not lines:
        return
    if not change.reason:
        listed = ", ".join(f"{_q(line.in_transit)} {line.unit} of {line.sku}" for line in lines)
        raise _invalid(f"Say why {listed} never arrived: closing writes it off.", "reason")
    wiring.transfer_stock().write_off(
        _ref(order),
        order.source_warehouse_id,
        [LineQuantity(line.pk, line.product_id, line.in_transit) for line in lines],
        actor=change.actor,
        note=f"{order} closed: {change.reason}"[:255],
    )
    for line in lines:
        line.written_off_quantity += line.in_transit
    TransferOrderLine.objects.bulk_update(lines, ["written_off_quantity"])
    order.write_off_reason = change.reason


def release_reservations(change: TransitionChange) -> None:
    """``cancel``: an approved transfer gives its reserved stock back."""
    order: TransferOrder = change.instance
    if change.from_state != TransferOrderStatus.APPROVED:
        return
    line_ids = [line.pk for line in _locked_lines(order)]
    wiring.transfer_stock().release(_ref(order), line_ids, actor=change.actor, reason=change.reason)
