"""Returns (RMA), step by step: drafting, and the writes of submit, approve, reject, receive,
inspect, resolve — and repairs coming back to stock.

The writes are declared with the transitions in ``SupplyChainOpsConfig.ready`` so that every
caller (admin, API, a bulk action, a test) runs them under the RMA's lock; the domains are
reached only through the ``ReturnsDomain`` contract. Lock order: the RMA (by the transition
service), then its lines, then the sales-order lines it claims (through the contract), then
inventory's rows.

**Returnable quantity** of a sales-order line: what it shipped, less what other RMAs that are
submitted or further (not rejected, not cancelled) request of it. Submitting and approving
decide it under the sales-order lines' lock, so two RMAs submitted at once cannot together
return more than was shipped; drafting checks it too, to refuse early.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.money import currency_exponent
from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.core.transitions.actors import actor_ref
from supply_chain_ops import wiring
from supply_chain_ops.contracts.returns import ReturnMove, ReturnRef, ShippedLineFacts
from supply_chain_ops.models.rmas import (
    CLAIMING_STATES,
    DOCUMENT_TYPE,
    LINE_SOURCE_TYPE,
    Disposition,
    Resolution,
    Rma,
    RmaInspection,
    RmaLine,
    RmaReason,
    RmaReceipt,
    RmaStatus,
)
from supply_chain_ops.services.returns import refund_total, restocking_fee, unit_cost_of_shipped

from .receipts import receive_in_parts

NUMBER_TYPE = "RMA"
OVERRIDE_WINDOW = "supply_chain_ops.override_rma_window"
ZERO = Decimal(0)


def existing_line_ids(ids: frozenset[int]) -> Collection[int]:
    """The reservation-source resolver of RMA lines: those of the current tenant."""
    return set(RmaLine.objects.filter(pk__in=ids).values_list("pk", flat=True))


def register_line_source() -> None:
    """Let inventory name RMA lines as sources (from ``SupplyChainOpsConfig.ready``)."""
    wiring.returns().register_line_source(LINE_SOURCE_TYPE, existing_line_ids)


def _ref(rma: Rma) -> ReturnRef:
    return ReturnRef(DOCUMENT_TYPE, rma.pk, LINE_SOURCE_TYPE, rma.number)


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _q(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _quantity(value: Any, field: str) -> Decimal:
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(f"{value!r} is not a quantity.", field) from None
    if not quantity.is_finite() or quantity <= 0:
        raise _invalid("A quantity must be greater than zero.", field)
    if quantity != quantity.quantize(Decimal("0.0001")):
        raise _invalid("Quantities have at most 4 decimal places.", field)
    return quantity


# -- returnable quantities --------------------------------------------------------------------


@dataclass(frozen=True)
class Returnable:
    """What a sales-order line may still return: shipped, less what other RMAs claim."""

    line: ShippedLineFacts
    claims: tuple[tuple[str, Decimal], ...]  # (RMA number, requested quantity), by number

    @property
    def claimed(self) -> Decimal:
        return sum((quantity for _, quantity in self.claims), ZERO)

    @property
    def quantity(self) -> Decimal:
        return max(self.line.shipped_quantity - self.claimed, ZERO)


def returnable(
    line_ids: Collection[int], *, excluding_rma_id: int | None = None, lock: bool = False
) -> dict[int, Returnable]:
    """What each sales-order line may still return (lines not in the tenant are left out).

    ``lock`` locks the sales-order lines first, so that the claims read after are final until
    the caller's transaction ends. Two queries plus the contract's.
    """
    facts = wiring.returns().shipped_lines(line_ids, lock=lock)
    rows = (
        RmaLine.objects.filter(sales_order_line_id__in=list(facts), rma__status__in=CLAIMING_STATES)
        .exclude(rma_id=excluding_rma_id)
        .order_by("rma__number")
        .values_list("sales_order_line_id", "rma__number", "requested_quantity")
    )
    claims: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for line_id, number, quantity in rows:
        claims[line_id].append((number, quantity))
    return {pk: Returnable(line, tuple(claims.get(pk, ()))) for pk, line in facts.items()}


def _check_returnable(
    verb: str, wanted: Sequence[tuple[int, Decimal]], available: Mapping[int, Returnable]
) -> None:
    """Refuse (409 ``over_return``) the first line asking for more than it may return."""
    for position, (line_id, quantity) in enumerate(wanted, start=1):
        facts = available[line_id]
        if quantity <= facts.quantity:
            continue
        shipped = facts.line.shipped_quantity
        unit = facts.line.unit
        message = (
            f"cannot {verb}: line {position} ({facts.line.sku}) asks for {_q(quantity)} but {_q(shipped)}"
        )
        message += f" {unit} {'was' if shipped == 1 else 'were'} shipped"
        if facts.claims:
            message += " and " + ", ".join(f"{_q(q)} is already on {number}" for number, q in facts.claims)
        raise Conflict(message, code="over_return")


def _may(actor: Actor, permission: str) -> bool:
    if isinstance(actor, ActorRef):
        return actor.kind == "system"
    return bool(actor.has_perm(permission))


def _check_window(rma: Rma, verb: str, lines: Sequence[ShippedLineFacts], actor: Actor) -> None:
    """Refuse lines shipped longer ago than the tenant's return window, unless overridden."""
    window = wiring.returns().policy().window_days
    now = timezone.now()
    late = [
        (line, (now - line.last_shipped_at).days)
        for line in lines
        if line.last_shipped_at is not None and now - line.last_shipped_at > dt.timedelta(days=window)
    ]
    if not late:
        return
    line, age = late[0]
    if not rma.window_override_reason.strip():
        raise Conflict(
            f"cannot {verb}: {line.sku} shipped {age} days ago, past the {window}-day return window; "
            "accepting it late needs an override reason",
            code="return_window",
        )
    if not _may(actor, OVERRIDE_WINDOW):
        raise PermissionDenied(
            f"cannot {verb}: {line.sku} shipped {age} days ago, past the {window}-day return window, "
            "and you may not accept returns after it"
        )


# -- drafting ---------------------------------------------------------------------------------


def create_rma(
    *,
    sales_order_id: int,
    reason_id: int,
    requested_resolution: str,
    lines: Sequence[tuple[int, Decimal | int | str]],
    actor: Actor,
    warehouse_id: int | None = None,
    notes: str = "",
    window_override_reason: str = "",
) -> Rma:
    """Draft an RMA of ``(sales-order line id, quantity)`` lines of one shipped order.

    The return warehouse defaults to where the first line shipped from. Refuses lines of
    another order, unknown reasons or warehouses, and more than a line may still return.
    """
    if requested_resolution not in Resolution.values:
        raise _invalid(f"{requested_resolution!r} is not a resolution.", "requested_resolution")
    reason = RmaReason.objects.filter(pk=reason_id, active=True).first()
    if reason is None:
        raise _invalid(f"No active return reason {reason_id}.", "reason")
    if not lines:
        raise _invalid("An RMA needs at least one line.", "lines")
    wanted = [(int(line_id), _quantity(value, "lines")) for line_id, value in lines]
    if len({line_id for line_id, _ in wanted}) != len(wanted):
        raise _invalid("Name each sales-order line once.", "lines")
    domain = wiring.returns()
    with transaction.atomic():
        available = returnable([line_id for line_id, _ in wanted], lock=True)
        for line_id, _ in wanted:
            facts = available.get(line_id)
            if facts is None or facts.line.order_id != sales_order_id:
                raise _invalid(f"Sales-order line {line_id} is not a line of that order.", "lines")
            if facts.line.shipped_quantity <= 0:
                raise _invalid(f"{facts.line.sku} on {facts.line.order_number} has not shipped.", "lines")
        _check_returnable("create the RMA", wanted, available)
        first = available[wanted[0][0]].line
        warehouse_id = warehouse_id or first.warehouse_id
        warehouse = domain.warehouses({warehouse_id}).get(warehouse_id) if warehouse_id else None
        if warehouse is None or not warehouse.holds_stock or not warehouse.active:
            raise _invalid("Choose an active physical warehouse to return the goods to.", "warehouse")
        rma = Rma(
            number=next_number(NUMBER_TYPE),
            customer_id=first.customer_id,
            sales_order_id=sales_order_id,
            order_number=first.order_number,
            reason=reason,
            requested_resolution=requested_resolution,
            warehouse_id=warehouse.id,
            currency=first.currency,
            notes=notes,
            window_override_reason=window_override_reason.strip(),
        )
        rma.save()
        RmaLine.objects.bulk_create(
            [
                RmaLine(
                    tenant_id=rma.tenant_id,
                    rma=rma,
                    sales_order_line_id=line_id,
                    product_id=available[line_id].line.product_id,
                    sku=available[line_id].line.sku,
                    unit=available[line_id].line.unit,
                    description=available[line_id].line.description[:200],
                    unit_price=available[line_id].line.net_unit_price,
                    unit_cost=unit_cost_of_shipped(
                        available[line_id].line.shipped_cost, available[line_id].line.shipped_quantity
                    ),
                    requested_quantity=quantity,
                )
                for line_id, quantity in wanted
            ]
        )
        record_event(
            "supply_chain.rma_drafted",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(rma),
            data={"number": rma.number, "lines": [[pk, q] for pk, q in wanted], "reason": reason.code},
        )
    return rma


def order_lines_to_return(sales_order_id: int) -> list[Returnable]:
    """The shipped lines of an order with what each may still return (to prefill a new RMA)."""
    lines = wiring.returns().shipped_order_lines(sales_order_id)
    available = returnable([line.line_id for line in lines])
    return [available[line.line_id] for line in lines if line.line_id in available]


def order_id_by_number(number: str) -> int | None:
    """The sales order of the current tenant with that number (ignoring case), if any."""
    return wiring.returns().order_id_by_number(number)


def vendor_choices() -> list[tuple[int, str]]:
    """The active vendors goods may be returned to, as (id, label)."""
    return wiring.returns().vendor_choices()


def rma_value(rma: Rma) -> Decimal:
    """What the RMA's requested goods were charged (net), in its currency's minor unit."""
    pairs = [(line.requested_quantity, line.unit_price) for line in rma.lines.all()]
    return refund_total(pairs, currency_exponent(rma.currency))


def needs_step_up(rma: Rma) -> bool:
    """Whether approving needs a recent second factor: its value is above the tenant's limit."""
    return rma_value(rma) > wiring.returns().policy().step_up_value


# -- the steps --------------------------------------------------------------------------------


def _move(rma: Rma | int, name: str, *, actor: Actor, reason: str = "", **options: Any) -> Rma:
    target = rma if isinstance(rma, Rma) else (Rma, rma)
    result: TransitionResult = perform_transition(target, name, actor=actor, reason=reason, **options)
    moved: Rma = result.instance
    return moved


def submit(rma: Rma | int, *, actor: Actor, idempotency_key: str = "") -> Rma:
    """Submit a draft for approval: refused above what the lines may return or after the window."""
    return _move(rma, "submit", actor=actor, idempotency_key=idempotency_key)


def approve(rma: Rma | int, *, actor: Actor, idempotency_key: str = "") -> Rma:
    """Approve a submitted RMA (``approve_rma``); the interface asks for step-up above the limit."""
    return _move(rma, "approve", actor=actor, idempotency_key=idempotency_key)


def reject(rma: Rma | int, *, actor: Actor, reason: str, idempotency_key: str = "") -> Rma:
    """Reject a submitted RMA, saying why."""
    return _move(rma, "reject", actor=actor, reason=reason, idempotency_key=idempotency_key)


def cancel(rma: Rma | int, *, actor: Actor, reason: str, idempotency_key: str = "") -> Rma:
    """Cancel an RMA before anything arrived."""
    return _move(rma, "cancel", actor=actor, reason=reason, idempotency_key=idempotency_key)


def resolve(rma: Rma | int, *, actor: Actor, idempotency_key: str = "") -> Rma:
    """Resolve an inspected RMA: a credit note or a replacement order, made once."""
    return _move(rma, "resolve", actor=actor, idempotency_key=idempotency_key)


def close(rma: Rma | int, *, actor: Actor, idempotency_key: str = "") -> Rma:
    """Close a resolved RMA."""
    return _move(rma, "close", actor=actor, idempotency_key=idempotency_key)


def await_goods(payload: dict[str, Any], envelope: Any) -> None:
    """After ``supply_chain.rma_approved``: the RMA now awaits the goods (idempotent)."""
    rma = Rma.objects.filter(pk=payload["rma_id"]).first()
    if rma is None or rma.status != RmaStatus.APPROVED:
        return
    perform_transition(rma, "await_receipt", actor=ActorRef.system("supply_chain.rma_approved"))


def _locked(rma_id: int) -> Rma:
    locked = Rma.objects.select_for_update().filter(pk=rma_id).first()
    if locked is None:
        raise NotFound(f"No RMA {rma_id} in this tenant.")
    return locked


def receive(
    rma: Rma | int,
    quantities: Mapping[int, Decimal | int | str] | None = None,
    *,
    actor: Actor,
    idempotency_key: str = "",
) -> TransitionResult:
    """Receive goods into quality hold: the given quantities per line id, else all still to come.

    Refuses more than was approved (409 ``over_receipt``). The RMA becomes received when nothing
    approved is left to come, partially received otherwise; repeated with its idempotency key a
    receipt is replayed, not received twice.
    """
    rma_id = rma.pk if isinstance(rma, Rma) else rma
    with transaction.atomic():
        locked = _locked(rma_id)
        lines = {line.pk: line for line in locked.lines.order_by("id")}
        return receive_in_parts(
            locked,
            {pk: line.to_receive for pk, line in lines.items()},
            quantities,
            lambda wanted: _receipt_quantities(locked, lines, wanted),
            actor=actor,
            idempotency_key=idempotency_key,
        )


def _receipt_quantities(
    rma: Rma, lines: Mapping[int, RmaLine], wanted: Mapping[Any, Any]
) -> dict[int, Decimal]:
    parsed: dict[int, Decimal] = {}
    for key, value in wanted.items():
        try:
            line = lines.get(int(key))
        except (TypeError, ValueError):
            line = None
        if line is None:
            raise _invalid(f"Line {key} is not a line of {rma}.", "lines")
        if _is_number(value) and Decimal(str(value)) == 0:
            continue
        quantity = _quantity(value, "lines")
        if quantity > line.to_receive:
            raise Conflict(
                f"cannot receive {_q(quantity)} {line.unit} of {line.sku} on {rma}: only "
                f"{_q(line.to_receive)} {line.unit} are still to come "
                f"({_q(line.approved_quantity)} approved, {_q(line.received_quantity)} received)",
                code="over_receipt",
            )
        parsed[line.pk] = quantity
    if not parsed:
        raise _invalid(f"Nothing to receive on {rma}.", "lines")
    return parsed


def _is_number(value: Any) -> bool:
    try:
        return Decimal(str(value)).is_finite()
    except InvalidOperation:
        return False


@dataclass(frozen=True)
class InspectionInput:
    """What became of a quantity of one RMA line."""

    line_id: int
    quantity: Decimal | int | str
    disposition: str
    defective: bool = False
    vendor_id: int | None = None
    note: str = ""


def inspect(
    rma: Rma | int, inspections: Sequence[InspectionInput], *, actor: Actor, idempotency_key: str = ""
) -> Rma:
    """Record the inspection of everything received, each quantity with its disposition.

    The dispositions must account for every received quantity of every line; each becomes a
    ledger move out of quality hold (restock, scrap, repair) or a vendor return.
    """
    payload = {
        "inspections": [
            {
                "line": int(item.line_id),
                "quantity": str(item.quantity),
                "disposition": item.disposition,
                "defective": bool(item.defective),
                "vendor": item.vendor_id,
                "note": item.note[:255],
            }
            for item in inspections
        ]
    }
    return _move(rma, "inspect", actor=actor, payload=payload, idempotency_key=idempotency_key)


def complete_repair(
    rma: Rma | int, quantities: Mapping[int, Decimal | int | str], *, actor: Actor
) -> list[RmaInspection]:
    """Bring repaired goods back to stock: quantities per inspection id (repair dispositions).

    Needs ``inspect_rma``. Locks the RMA (it must be inspected, resolved or closed), then its
    inspections; refuses more than is in repair.
    """
    if not _may(actor, "supply_chain_ops.inspect_rma"):
        raise PermissionDenied("Completing a repair needs the permission to inspect RMA goods.")
    rma_id = rma.pk if isinstance(rma, Rma) else rma
    with transaction.atomic():
        locked = _locked(rma_id)
        if locked.status not in (RmaStatus.INSPECTED, RmaStatus.RESOLVED, RmaStatus.CLOSED):
            raise Conflict(
                f"cannot complete a repair: {locked} is {locked.get_status_display().lower()}",
                code="transition_not_allowed",
            )
        rows = {
            row.pk: row
            for row in RmaInspection.objects.select_for_update()
            .filter(rma=locked, disposition=Disposition.REPAIR)
            .order_by("id")
        }
        done: list[tuple[RmaInspection, Decimal]] = []
        for key, value in sorted(quantities.items(), key=lambda item: int(item[0])):
            row = rows.get(int(key))
            if row is None:
                raise _invalid(f"Inspection {key} is not a repair on {locked}.", "repairs")
            quantity = _quantity(value, "repairs")
            if quantity > row.in_repair:
                raise Conflict(
                    f"cannot complete a repair of {_q(quantity)}: only {_q(row.in_repair)} are in repair",
                    code="over_repair",
                )
            done.append((row, quantity))
        if not done:
            raise _invalid("Name the repaired quantities.", "lines")
        wiring.returns().repaired(
            _ref(locked),
            locked.warehouse_id,
            [ReturnMove(row.line_id, row.line.product_id, quantity) for row, quantity in done],
            actor=actor,
        )
        for row, quantity in done:
            row.repaired_quantity += quantity
        RmaInspection.objects.bulk_update([row for row, _ in done], ["repaired_quantity"])
        record_event(
            "supply_chain.rma_repaired",
            actor=actor_ref(actor),
            obj=ObjectRef.for_instance(locked),
            data={"repaired": [[row.pk, quantity] for row, quantity in done]},
        )
    return [row for row, _ in done]


# -- the transitions' writes (declared in SupplyChainOpsConfig.ready) ---------------------------


def _locked_lines(rma: Rma) -> list[RmaLine]:
    return list(RmaLine.objects.select_for_update().filter(rma=rma).order_by("id"))


def _claim(change: TransitionChange, verb: str) -> list[RmaLine]:
    rma: Rma = change.instance
    lines = _locked_lines(rma)
    available = returnable([line.sales_order_line_id for line in lines], excluding_rma_id=rma.pk, lock=True)
    _check_returnable(
        verb, [(line.sales_order_line_id, line.requested_quantity) for line in lines], available
    )
    _check_window(rma, verb, [available[line.sales_order_line_id].line for line in lines], change.actor)
    return lines


def claim_on_submit(change: TransitionChange) -> None:
    """``submit``: the lines' quantities are claimed, within what shipped and the window."""
    _claim(change, "submit")
    change.instance.submitted_at = timezone.now()


def approve_lines(change: TransitionChange) -> None:
    """``approve``: checked again under the lock, every requested quantity approved, customer told."""
    rma: Rma = change.instance
    lines = _claim(change, "approve")
    for line in lines:
        line.approved_quantity = line.requested_quantity
    RmaLine.objects.bulk_update(lines, ["approved_quantity"])
    rma.approved_at = timezone.now()
    _notify(
        rma,
        "return_authorised",
        lines=[(line.approved_quantity, line) for line in lines],
        return_to=wiring.returns().return_address(rma.warehouse_id),
        instructions=rma.notes,
    )


def notify_rejected(change: TransitionChange) -> None:
    """``reject``: the customer is told why."""
    rma: Rma = change.instance
    _notify(
        rma,
        "return_rejected",
        lines=[(line.requested_quantity, line) for line in rma.lines.all()],
        reason=change.reason,
    )


def receive_goods(change: TransitionChange) -> None:
    """``receive_part`` / ``receive_all``: the payload's quantities into quality hold, at shipped cost."""
    rma: Rma = change.instance
    lines = {line.pk: line for line in _locked_lines(rma)}
    quantities = _receipt_quantities(rma, lines, change.payload.get("lines") or {})
    rest = sum(line.to_receive for line in lines.values()) - sum(quantities.values())
    if (change.name == "receive_all") != (rest == 0):
        raise Conflict(f"{rma} changed since the receipt was prepared; try again.", code="concurrent_change")
    received = [lines[pk] for pk in sorted(quantities)]
    values = wiring.returns().receive_into_hold(
        _ref(rma),
        rma.warehouse_id,
        [ReturnMove(line.pk, line.product_id, quantities[line.pk], line.unit_cost) for line in received],
        actor=change.actor,
    )
    label = change.actor_ref.label[:255]
    RmaReceipt.objects.bulk_create(
        [
            RmaReceipt(
                tenant_id=rma.tenant_id,
                rma=rma,
                line=line,
                quantity=quantities[line.pk],
                value=values[line.pk],
                received_by=label,
            )
            for line in received
        ]
    )
    for line in received:
        line.received_quantity += quantities[line.pk]
    RmaLine.objects.bulk_update(received, ["received_quantity"])
    rma.received_at = timezone.now()
    _notify(rma, "return_received", lines=[(quantities[line.pk], line) for line in received])


def _parsed_inspections(
    rma: Rma, lines: Mapping[int, RmaLine], items: Sequence[Mapping[str, Any]]
) -> list[tuple[RmaLine, Decimal, str, bool, int | None, str]]:
    parsed = []
    inspected: dict[int, Decimal] = defaultdict(Decimal)
    vendor_ids = {int(item["vendor"]) for item in items if item.get("vendor")}
    vendors = wiring.returns().vendors(vendor_ids) if vendor_ids else {}
    for item in items:
        line = lines.get(int(item["line"]))
        if line is None:
            raise _invalid(f"Line {item['line']} is not a line of {rma}.", "inspections")
        disposition = item["disposition"]
        if disposition not in Disposition.values:
            raise _invalid(f"{disposition!r} is not a disposition.", "inspections")
        vendor_id = int(item["vendor"]) if item.get("vendor") else None
        if disposition == Disposition.RETURN_TO_VENDOR and vendor_id not in vendors:
            raise _invalid(f"Returning {line.sku} to a vendor needs a vendor of this tenant.", "inspections")
        quantity = _quantity(item["quantity"], "inspections")
        inspected[line.pk] += quantity
        parsed.append(
            (line, quantity, disposition, bool(item.get("defective")), vendor_id, str(item.get("note", "")))
        )
    for line in lines.values():
        open_quantity = line.received_quantity - line.inspected_quantity
        if inspected.get(line.pk, ZERO) != open_quantity:
            raise _invalid(
                f"Line {line.sku}: {_q(open_quantity)} {line.unit} received and not yet inspected, but "
                f"the dispositions account for {_q(inspected.get(line.pk, ZERO))}.",
                "inspections",
            )
    if not parsed:
        raise _invalid(f"Nothing to inspect on {rma}.", "inspections")
    return parsed


def inspect_goods(change: TransitionChange) -> None:
    """``inspect``: every received quantity disposed of, each disposition one batch of moves."""
    rma: Rma = change.instance
    lines = {line.pk: line for line in _locked_lines(rma)}
    parsed = _parsed_inspections(rma, lines, change.payload.get("inspections") or [])
    domain = wiring.returns()
    label = change.actor_ref.label[:255]
    rows: list[RmaInspection] = []
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for index, (_, _, disposition, _, vendor_id, _) in enumerate(parsed):
        groups[(disposition, vendor_id)].append(index)
    values: dict[int, Decimal] = {}
    numbers: dict[int, str] = {}
    for (disposition, vendor_id), indexes in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or 0)):
        # One batch per disposition (and vendor); its values come back in the order of its moves.
        moves = [ReturnMove(parsed[i][0].pk, parsed[i][0].product_id, parsed[i][1]) for i in indexes]
        moved, number = domain.dispose(
            _ref(rma), rma.warehouse_id, disposition, moves, actor=change.actor, vendor_id=vendor_id
        )
        for i, value in zip(indexes, moved, strict=True):
            values[i] = value
            numbers[i] = number
    for index, (line, quantity, disposition, defective, vendor_id, note) in enumerate(parsed):
        rows.append(
            RmaInspection(
                tenant_id=rma.tenant_id,
                rma=rma,
                line=line,
                quantity=quantity,
                disposition=disposition,
                defective=defective,
                vendor_id=vendor_id,
                note=note[:255],
                vendor_return_number=numbers[index],
                value=values[index],
                inspected_by=label,
            )
        )
        line.inspected_quantity += quantity
    RmaInspection.objects.bulk_create(rows)
    RmaLine.objects.bulk_update(list(lines.values()), ["inspected_quantity"])
    rma.inspected_at = timezone.now()


def resolve_rma(change: TransitionChange) -> None:
    """``resolve``: a refund drafts one credit note, a replacement one sales order — never twice."""
    rma: Rma = change.instance
    lines = _locked_lines(rma)
    returned = {
        line.sales_order_line_id: line.inspected_quantity for line in lines if line.inspected_quantity > 0
    }
    domain = wiring.returns()
    if rma.requested_resolution == Resolution.REFUND and rma.credit_note_id is None and returned:
        rma.restocking_fee = _restocking_fee(rma, lines)
        note = domain.refund(
            rma.sales_order_id, returned, restocking_fee=rma.restocking_fee, reason=f"Return {rma.number}"
        )
        rma.credit_note_id = note.id
    if rma.requested_resolution == Resolution.REPLACEMENT and rma.replacement_order_id is None and returned:
        order = domain.replace(
            rma.sales_order_id, returned, cause=rma.number, requested_date=timezone.localdate()
        )
        rma.replacement_order_id = order.id
    rma.resolved_at = timezone.now()
    _notify(
        rma,
        "return_resolved",
        lines=[(line.inspected_quantity, line) for line in lines if line.inspected_quantity > 0],
        resolution=rma.get_requested_resolution_display(),
    )


def _restocking_fee(rma: Rma, lines: Sequence[RmaLine]) -> Decimal:
    """The tenant's fee on restocked goods that were not defective (none for a defect reason)."""
    if rma.reason.defective:
        return ZERO
    restocked = RmaInspection.objects.filter(rma=rma, disposition=Disposition.RESTOCK, defective=False)
    by_line = {line.pk: line for line in lines}
    return restocking_fee(
        refunded=[(line.inspected_quantity, line.unit_price) for line in lines],
        restocked=[(row.quantity, by_line[row.line_id].unit_price) for row in restocked],
        percent=wiring.returns().policy().restocking_fee_percent,
        exponent=currency_exponent(rma.currency),
    )


def stamp_closed(change: TransitionChange) -> None:
    """``close``: when it was closed."""
    change.instance.closed_at = timezone.now()


def _notify(rma: Rma, template: str, *, lines: Sequence[tuple[Decimal, RmaLine]], **context: Any) -> None:
    """Tell the customer's contact (after commit); audited whether or not it has an address."""
    sent = wiring.returns().notify(
        rma.customer_id,
        template,
        {
            "rma_number": rma.number,
            "order_number": rma.order_number,
            "lines": [
                {"quantity": _q(quantity), "description": f"{line.sku} {line.description}"}
                for quantity, line in lines
            ],
            **context,
        },
    )
    record_event(
        "supply_chain.rma_notice",
        actor=ActorRef.system("supply_chain.rma"),
        obj=ObjectRef.for_instance(rma),
        data={"template": template, "sent": sent},
    )
