"""Credit notes: drafted from sales-order lines at their price, issued with a gap-free number.

Issuing (the writes of the note's ``issue`` transition, declared in ``ReceivableConfig.ready`` so
that every caller runs them) happens inside the transition, under its lock: it locks the
sales-order lines the note credits, refuses crediting a line for more than was ordered (counting
every issued or applied note) or above the line's net unit price, then takes the next gap-free
``CN`` number and fixes the total (the sum of the line amounts, each at the currency's minor unit).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from nexus.core.errors import Conflict, InvalidInput
from nexus.core.money import round_to_currency
from nexus.core.sequences import next_number
from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.receivable.models import CreditNote, CreditNoteLine, CreditNoteStatus
from nexus.sales.amounts import document_total, line_amount, net_unit_price
from nexus.sales.models import SalesOrder, SalesOrderLine

CREDIT_NOTE_DOC_TYPE = "CN"
# Notes whose quantities count against what a sales-order line may still be credited.
COUNTED_STATES = (CreditNoteStatus.ISSUED, CreditNoteStatus.APPLIED)


def lines_total(note: CreditNote) -> Decimal:
    """The sum of the note's line amounts, each rounded to the currency's minor unit."""
    currency = note.currency_id
    return document_total(
        [line_amount(line.quantity, line.unit_price, currency) for line in note.lines.all()], currency
    )


def credit_note_total(note: CreditNote) -> Decimal:
    """The lines' total less the restocking fee (at the minor unit), never below zero."""
    fee = round_to_currency(note.restocking_fee, note.currency_id)
    return max(lines_total(note) - fee, round_to_currency(Decimal(0), note.currency_id))


def draft_credit_note(
    order: SalesOrder,
    quantities: Mapping[int, Decimal],
    *,
    reason: str,
    restocking_fee: Decimal = Decimal(0),
) -> CreditNote:
    """Draft a note crediting sales-order lines (id → quantity) at each line's net unit price,
    less ``restocking_fee`` (the total never goes below zero)."""
    if restocking_fee < 0:
        raise InvalidInput(
            "A restocking fee cannot be negative.", fields={"restocking_fee": ["Zero or more."]}
        )
    if not quantities:
        raise InvalidInput("Name at least one sales-order line to credit.", fields={"lines": ["Required."]})
    lines = {line.pk: line for line in order.lines.select_related("product").filter(pk__in=list(quantities))}
    unknown = sorted(set(quantities) - set(lines))
    if unknown:
        raise InvalidInput(
            f"Sales-order line {', '.join(map(str, unknown))} is not a line of {order}.",
            fields={"lines": [f"Not a line of {order}."]},
        )
    with transaction.atomic():
        note = CreditNote.objects.create(
            customer_id=order.customer_id,
            sales_order=order,
            currency_id=order.currency_id,
            reason=reason,
            restocking_fee=round_to_currency(restocking_fee, order.currency_id),
        )
        CreditNoteLine.objects.bulk_create(
            [
                CreditNoteLine(
                    tenant_id=note.tenant_id,
                    credit_note=note,
                    sales_order_line=lines[pk],
                    description=lines[pk].description or lines[pk].product.name,
                    quantity=quantity,
                    unit_price=net_unit_price(lines[pk].unit_price, lines[pk].discount_percent),
                )
                for pk, quantity in sorted(quantities.items())
            ]
        )
    return note


def issue_credit_note(
    note: CreditNote | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Issue a draft note: check it against its sales-order lines, number it, fix its total."""
    target = note if isinstance(note, CreditNote) else (CreditNote, note)
    return perform_transition(target, "issue", actor=actor, reason=reason, idempotency_key=idempotency_key)


def number_and_total(change: TransitionChange) -> Decimal:
    """The writes of ``issue``: checked against the order lines, numbered, totalled; the total."""
    note: CreditNote = change.instance
    lines = list(note.lines.order_by("id"))
    if note.sales_order_id is not None:
        order_currency = SalesOrder.objects.values_list("currency_id", flat=True).get(pk=note.sales_order_id)
        if note.currency_id != order_currency:
            raise InvalidInput(
                f"cannot issue: the note is in {note.currency_id} "
                f"but {note.sales_order} is in {order_currency}.",
                fields={"currency": [f"Use {order_currency}, the sales order's currency."]},
            )
    _check_against_order_lines(note, [line for line in lines if line.sales_order_line_id is not None])
    note.number = next_number(CREDIT_NOTE_DOC_TYPE, gap_free=True)
    note.total = credit_note_total(note)
    return note.total


def _check_against_order_lines(note: CreditNote, lines: Sequence[CreditNoteLine]) -> None:
    if not lines:
        return
    ids = sorted({line.sales_order_line_id for line in lines if line.sales_order_line_id is not None})
    order_lines = {
        line.pk: line
        for line in SalesOrderLine.objects.select_for_update()
        .select_related("product")
        .filter(pk__in=ids)
        .order_by("id")
    }
    credited = dict(
        CreditNoteLine.objects.filter(sales_order_line_id__in=ids, credit_note__status__in=COUNTED_STATES)
        .values("sales_order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("sales_order_line_id", "total")
        .order_by()
    )
    crediting: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        assert line.sales_order_line_id is not None
        order_line = order_lines[line.sales_order_line_id]
        sku, unit = order_line.product.sku, order_line.product.unit
        price = net_unit_price(order_line.unit_price, order_line.discount_percent)
        if line.unit_price > price:
            raise Conflict(
                f"cannot issue: {sku} is credited at {line.unit_price.normalize():f}, above its net price "
                f"{price.normalize():f} on {note.sales_order}.",
                code="over_credit",
            )
        crediting[order_line.pk] += line.quantity
        total = credited.get(order_line.pk, Decimal(0)) + crediting[order_line.pk]
        if total > order_line.quantity:
            raise Conflict(
                f"cannot issue: {sku} would be credited {_q(total)} {unit} in all, but "
                f"{_q(order_line.quantity)} {unit} were ordered "
                f"({_q(credited.get(order_line.pk, Decimal(0)))} already credited).",
                code="over_credit",
            )


def _q(value: Decimal) -> str:
    return f"{value.normalize():f}"
