"""The landed-cost workflow: create (claiming bill lines), compute, approve, post, reverse, cancel.

Creating claims the vendor bill lines its charges come from, under their row lock, so a line is
never capitalised twice. Every later step is a transition of ``LandedCost``; the functions below
are its declared writes (``apps.ready``), run by the transition service under the landed cost's
lock for the admin, the API and a listener alike. Domain data is read and written through the
costing contract only, one call per step.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import MAX_PREC, Context, Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from nexus.core.audit import record_event
from nexus.core.bulk import insert_rows
from nexus.core.errors import Conflict, InvalidInput
from nexus.core.models.refs import ActorRef, ObjectRef
from nexus.core.money import RateSource
from nexus.core.sequences import next_number
from nexus.core.transitions import TransitionChange
from supply_chain_ops import wiring
from supply_chain_ops.contracts.costing import BillCharge, Costing, CostingPolicy, ReceiptLineFacts, ValueMove
from supply_chain_ops.models import LandedCost, LandedCostAllocation, LandedCostCharge, LandedCostReceipt
from supply_chain_ops.models.landed_costs import CLAIMING_STATES
from supply_chain_ops.services.allocation import (
    BasisLine,
    SplitMethod,
    allocate,
    check_manual_total,
    convert_to_minor,
    split_by_position,
)
from supply_chain_ops.services.journal import journal_lines

DOC_TYPE = "LC"


@dataclass(frozen=True)
class ChargeInput:
    """A charge as a person or a listener gives it; a bill line's charge defaults to its amount."""

    kind: str
    split_method: str
    amount: Decimal | None = None
    currency: str = ""
    description: str = ""
    bill_line_id: int | None = None
    manual_percent: bool = False
    manual_shares: Mapping[int, Decimal] = field(default_factory=dict)


def create_landed_cost(
    *,
    receipt_ids: Sequence[int],
    charges: Sequence[ChargeInput],
    actor: ActorRef,
    description: str = "",
    cost_date: dt.date | None = None,
    source_bill_id: int | None = None,
) -> LandedCost:
    """A draft landed cost on posted receipts; bill-line charges are claimed under the lines' lock.

    Raises ``InvalidInput`` (no receipts or charges, unposted receipts, a bill line that is not
    an approved landed-cost charge) and ``Conflict`` ``bill_line_claimed`` naming the landed
    cost that already holds a bill line's amount.
    """
    if not receipt_ids:
        raise InvalidInput(
            "Name at least one posted goods receipt.", fields={"goods_receipts": ["Required."]}
        )
    if not charges:
        raise InvalidInput("Add at least one charge.", fields={"charges": ["Required."]})
    costing = wiring.costing()
    with transaction.atomic():
        bills = _claim(costing, charges)
        costing.receipt_lines(sorted(set(receipt_ids)))  # refuses unposted receipts
        landed_cost = LandedCost.objects.create(
            number=next_number(DOC_TYPE),
            description=description,
            cost_date=cost_date or timezone.localdate(),
            source_bill_id=source_bill_id,
        )
        LandedCostReceipt.objects.bulk_create(
            [
                LandedCostReceipt(
                    tenant_id=landed_cost.tenant_id, landed_cost=landed_cost, goods_receipt_id=pk
                )
                for pk in sorted(set(receipt_ids))
            ]
        )
        LandedCostCharge.objects.bulk_create([_charge(landed_cost, c, bills) for c in charges])
        record_event(
            "supply_chain.landed_cost.created",
            actor=actor,
            obj=ObjectRef.for_instance(landed_cost),
            data={
                "number": landed_cost.number,
                "charges": len(charges),
                "receipt_ids": sorted(set(receipt_ids)),
            },
        )
    return landed_cost


def _charge(landed_cost: LandedCost, given: ChargeInput, bills: Mapping[int, BillCharge]) -> LandedCostCharge:
    bill = bills.get(given.bill_line_id) if given.bill_line_id is not None else None
    amount = given.amount if given.amount is not None else (bill.amount if bill else None)
    if amount is None or amount <= 0:
        raise InvalidInput("A charge needs a positive amount.", fields={"amount": ["Must be positive."]})
    return LandedCostCharge(
        tenant_id=landed_cost.tenant_id,
        landed_cost=landed_cost,
        kind=given.kind,
        description=given.description or (bill.description if bill else ""),
        amount=amount,
        currency_id=bill.currency if bill else given.currency,
        split_method=given.split_method,
        manual_percent=given.manual_percent,
        manual_shares={str(k): str(v) for k, v in given.manual_shares.items()},
        bill_line_id=given.bill_line_id,
        bill_number=bill.bill_number if bill else "",
        rate_date=bill.bill_date if bill else None,
    )


def _claim(costing: Costing, charges: Sequence[ChargeInput]) -> Mapping[int, BillCharge]:
    """Lock the bill lines the charges name and refuse any whose amount another landed cost holds."""
    wanted: dict[int, Decimal | None] = {
        c.bill_line_id: c.amount for c in charges if c.bill_line_id is not None
    }
    if not wanted:
        return {}
    bills = costing.claim_bill_lines(sorted(wanted))
    for line_id, bill in bills.items():
        if not bill.is_landed_cost or not bill.approved:
            detail = (
                f"Bill line {line_id} of {bill.bill_number} is not a landed-cost charge of an approved bill."
            )
            raise InvalidInput(detail, fields={"bill_line": [detail]})
    held = (
        LandedCostCharge.objects.filter(
            bill_line_id__in=list(wanted), landed_cost__status__in=CLAIMING_STATES
        )
        .values("bill_line_id", "landed_cost__number")
        .annotate(claimed=Sum("amount"))
        .order_by("bill_line_id", "landed_cost__number")
    )
    claimed: dict[int, Decimal] = defaultdict(Decimal)
    holders: dict[int, list[str]] = defaultdict(list)
    for row in held:
        claimed[row["bill_line_id"]] += row["claimed"]
        holders[row["bill_line_id"]].append(row["landed_cost__number"])
    for line_id, amount in wanted.items():
        bill = bills[line_id]
        if claimed[line_id] + (amount if amount is not None else bill.amount) > bill.amount:
            raise Conflict(
                f"Bill line {line_id} of {bill.bill_number} is already capitalised by "
                f"{', '.join(holders[line_id])}; a bill line is never capitalised twice.",
                code="bill_line_claimed",
            )
    return bills


# -- compute ----------------------------------------------------------------------------------


def compute(change: TransitionChange) -> None:
    """Convert each charge once, allocate it over the receipt lines and split it by position."""
    landed_cost: LandedCost = change.instance
    costing = wiring.costing()
    policy = costing.policy()
    receipt_ids = sorted(landed_cost.receipts.values_list("goods_receipt_id", flat=True))
    lines = costing.receipt_lines(receipt_ids)
    if not lines:
        raise InvalidInput(
            "The goods receipts have no posted lines.", fields={"goods_receipts": ["No lines."]}
        )
    charges = list(landed_cost.charges.order_by("id"))
    rates = _preloaded_rates(costing, charges, lines, landed_cost.cost_date)
    positions = costing.positions([line.move_id for line in lines])
    exponent = policy.currency_exponent
    rows: list[tuple[Any, ...]] = []
    added: dict[tuple[int, int], int] = defaultdict(int)  # (product, warehouse) -> minor units on hand
    skus: dict[int, str] = {}
    capitalised = consumed = 0
    for charge in charges:
        on = charge.rate_date or landed_cost.cost_date
        charge.rate_date = on
        charge.rate = rates.rate(charge.currency_id, on)
        total_minor = convert_to_minor(charge.amount, charge.rate, exponent)
        charge.converted = _amount(total_minor, exponent)
        basis_lines = _basis_lines(charge, lines, rates, on)
        for line, share in zip(
            lines, allocate(total_minor, SplitMethod(charge.split_method), basis_lines), strict=True
        ):
            position = positions.get(line.move_id)
            split = split_by_position(
                share.minor,
                position.received if position else line.quantity,
                position.on_hand if position else {},
            )
            for warehouse, part in split.on_hand.items():
                added[(line.product_id, warehouse)] += part
                capitalised += part
            consumed += split.consumed
            skus[line.product_id] = line.sku
            rows.append(
                (
                    charge.pk,
                    line.receipt_line_id,
                    line.receipt_number,
                    line.move_id,
                    line.product_id,
                    line.sku,
                    line.quantity,
                    share.basis,
                    _exact(share.exact, exponent),
                    _amount(share.minor, exponent),
                    {str(w): str(_amount(m, exponent)) for w, m in split.on_hand.items()},
                    _amount(split.consumed, exponent),
                )
            )
    LandedCostCharge.objects.bulk_update(charges, ["rate_date", "rate", "converted"])
    landed_cost.allocations.all().delete()
    insert_rows(
        LandedCostAllocation,
        ALLOCATION_FIELDS,
        rows,
        constants={"tenant_id": landed_cost.tenant_id, "landed_cost_id": landed_cost.pk},
    )
    landed_cost.currency_id = policy.currency
    landed_cost.total = sum((c.converted for c in charges if c.converted is not None), Decimal(0))
    landed_cost.capitalised = _amount(capitalised, exponent)
    landed_cost.cost_of_goods_sold = _amount(consumed, exponent)
    landed_cost.review = _review(costing, policy, added, skus)
    _audit(change, landed_cost, "computed")


#: The columns of an allocation row, in the order ``compute`` builds them.
ALLOCATION_FIELDS = [
    "charge_id",
    "receipt_line_id",
    "receipt_number",
    "move_id",
    "product_id",
    "sku",
    "quantity",
    "basis",
    "exact_share",
    "amount",
    "on_hand",
    "consumed",
]


def _preloaded_rates(
    costing: Costing,
    charges: Sequence[LandedCostCharge],
    lines: Sequence[ReceiptLineFacts],
    cost_date: dt.date,
) -> RateSource:
    """The tenant's rates, with every (currency, day) this computation needs read in one query."""
    rates = costing.rates()
    days = {charge.rate_date or cost_date for charge in charges}
    wanted = {(charge.currency_id, charge.rate_date or cost_date) for charge in charges}
    wanted |= {(line.customs_currency, day) for line in lines if line.customs_currency for day in days}
    load = getattr(rates, "load", None)
    if load is not None:
        load(wanted)
    return rates


def _basis_lines(
    charge: LandedCostCharge, lines: Sequence[ReceiptLineFacts], rates: RateSource, on: dt.date
) -> list[BasisLine]:
    manual = _manual_shares(charge, lines)
    customs_rates: dict[str, Decimal] = {}
    basis_lines = []
    for line in lines:
        customs = None
        if line.customs_value is not None and line.customs_currency:
            if (
                charge.split_method == SplitMethod.BY_CUSTOMS_VALUE
                and line.customs_currency not in customs_rates
            ):
                customs_rates[line.customs_currency] = rates.rate(line.customs_currency, on)
            customs = line.customs_value * customs_rates.get(line.customs_currency, Decimal(1))
        basis_lines.append(
            BasisLine(
                key=line.receipt_line_id,
                label=f"{line.receipt_number} {line.sku}",
                quantity=line.quantity,
                received_value=line.received_value,
                unit_weight=line.unit_weight,
                unit_volume=line.unit_volume,
                customs_value=customs,
                manual=manual.get(line.receipt_line_id),
            )
        )
    return basis_lines


def _manual_shares(charge: LandedCostCharge, lines: Sequence[ReceiptLineFacts]) -> dict[int, Decimal]:
    if charge.split_method != SplitMethod.MANUAL:
        return {}
    try:
        shares = {int(k): Decimal(str(v)) for k, v in (charge.manual_shares or {}).items()}
    except (ValueError, ArithmeticError):
        raise InvalidInput(
            "Manual shares are receipt line ids with amounts.", fields={"manual_shares": ["Not valid."]}
        ) from None
    unknown = sorted(set(shares) - {line.receipt_line_id for line in lines})
    if unknown:
        detail = f"Receipt line {', '.join(map(str, unknown))} is not on these receipts."
        raise InvalidInput(detail, fields={"manual_shares": [detail]})
    check_manual_total(list(shares.values()), percent=charge.manual_percent, charge=charge.amount)
    return shares


def _review(
    costing: Costing, policy: CostingPolicy, added: Mapping[tuple[int, int], int], skus: Mapping[int, str]
) -> dict[str, Any]:
    """Each pool's average before and after the on-hand part, warning above the tenant's threshold."""
    pools = costing.pools(sorted(added))
    entries = []
    for (product_id, warehouse_id), minor in sorted(added.items()):
        amount = _amount(minor, policy.currency_exponent)
        pool = pools[(product_id, warehouse_id)]
        before = pool.value / pool.on_hand if pool.on_hand else Decimal(0)
        after = (pool.value + amount) / pool.on_hand if pool.on_hand else Decimal(0)
        rise = (after - before) * 100 / before if before else Decimal(0)
        entries.append(
            {
                "product_id": product_id,
                "sku": skus[product_id],
                "warehouse_id": warehouse_id,
                "warehouse": pool.warehouse_code,
                "on_hand": str(pool.on_hand),
                "added": str(amount),
                "average_before": str(before.quantize(Decimal("0.000001"))),
                "average_after": str(after.quantize(Decimal("0.000001"))),
                "rise_percent": str(rise.quantize(Decimal("0.01"))),
                "warning": rise > policy.unit_cost_warning_percent,
            }
        )
    return {"warning_percent": str(policy.unit_cost_warning_percent), "pools": entries}


# -- approve, post, reverse, cancel -------------------------------------------------------------


def post(change: TransitionChange) -> None:
    """Capitalise the on-hand part as value-only moves in one batch; the rest is cost of goods sold."""
    landed_cost: LandedCost = change.instance
    _book(change, sign=1)
    _audit(change, landed_cost, "posted")


def reverse(change: TransitionChange) -> None:
    """Take the whole allocation back: off the goods on hand now, the rest off cost of goods sold."""
    landed_cost: LandedCost = change.instance
    _book(change, sign=-1)
    _audit(change, landed_cost, "reversed")


def _book(change: TransitionChange, *, sign: int) -> None:
    """Split every allocation by where its goods are now; post the value moves and the journal.

    The allocation table keeps the split seen on compute (what was reviewed); the journal keeps
    what was posted, by warehouse, should goods have moved in between.
    """
    landed_cost: LandedCost = change.instance
    costing = wiring.costing()
    policy = costing.policy()
    exponent = policy.currency_exponent
    rows = list(
        landed_cost.allocations.order_by("id").values_list("move_id", "product_id", "amount", "quantity")
    )
    positions = costing.positions(sorted({move_id for move_id, *_ in rows}))
    by_pool: dict[tuple[int, int], int] = defaultdict(int)
    consumed = 0
    for move_id, product_id, amount, quantity in rows:
        position = positions.get(move_id)
        minor = sign * int(amount.scaleb(exponent))
        split = split_by_position(
            minor, position.received if position else quantity, position.on_hand if position else {}
        )
        for warehouse, part in split.on_hand.items():
            by_pool[(product_id, warehouse)] += part
        consumed += split.consumed
    moves = [ValueMove(p, w, _amount(m, exponent)) for (p, w), m in sorted(by_pool.items()) if m]
    costing.post_value_moves(
        moves,
        document_id=landed_cost.pk,
        note=f"Landed cost {landed_cost.number}{' reversed' if sign < 0 else ''}",
        actor=change.actor_ref,
    )
    by_warehouse: dict[int, int] = defaultdict(int)
    for (_, warehouse), minor in by_pool.items():
        by_warehouse[warehouse] += minor
    codes = costing.warehouse_codes(sorted(by_warehouse))
    inventory: dict[str, Decimal] = defaultdict(Decimal)
    for warehouse, minor in by_warehouse.items():
        inventory[codes[warehouse]] += _amount(minor, exponent)
    lines = journal_lines(inventory, _amount(consumed, exponent), clearing_account=policy.clearing_account)
    if sign > 0:
        landed_cost.journal = lines
        landed_cost.capitalised = sum(inventory.values(), Decimal(0))
        landed_cost.cost_of_goods_sold = _amount(consumed, exponent)
    else:
        landed_cost.reversal_journal = lines


def _audit(change: TransitionChange, landed_cost: LandedCost, step: str) -> None:
    record_event(
        f"supply_chain.landed_cost.{step}_totals",
        actor=change.actor_ref,
        obj=ObjectRef.for_instance(landed_cost),
        data={
            "number": landed_cost.number,
            "currency": landed_cost.currency_id,
            "total": landed_cost.total,
            "capitalised": landed_cost.capitalised,
            "cost_of_goods_sold": landed_cost.cost_of_goods_sold,
        },
    )


def _amount(minor: int, exponent: int) -> Decimal:
    return Decimal(minor).scaleb(-exponent)


def _exact(share: Fraction, exponent: int) -> Decimal:
    """A share in minor units as an amount of ten decimal places, rounded half-even once."""
    whole, rest = divmod(share.numerator * 10 ** (EXACT_PLACES - exponent), share.denominator)
    if 2 * rest > share.denominator or (2 * rest == share.denominator and whole % 2):
        whole += 1
    return Decimal(whole).scaleb(-EXACT_PLACES, _EXACT)


#: The decimal places of an exact share (``LandedCostAllocation.exact_share``).
EXACT_PLACES = 10
_EXACT = Context(prec=MAX_PREC)
