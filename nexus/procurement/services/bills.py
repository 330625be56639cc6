"""Approving vendor bills: the total is fixed from the lines, exact at the currency's minor unit.

Fixing the total is the writes of the bill's ``approve`` (declared in ``ProcurementConfig.ready``).
"""

from decimal import Decimal

from nexus.core.transitions import Actor, TransitionChange, TransitionResult, perform_transition
from nexus.procurement.amounts import document_total, line_amount
from nexus.procurement.models import VendorBill


def bill_total(bill: VendorBill) -> Decimal:
    """The sum of the bill's line amounts, each rounded to the currency's minor unit."""
    currency = bill.currency_id
    amounts = [line_amount(line.quantity, line.unit_price, currency) for line in bill.lines.all()]
    return document_total(amounts, currency)


def fix_total(change: TransitionChange) -> Decimal:
    """The writes of ``approve``: the bill's total, from its lines as they are under the lock."""
    bill: VendorBill = change.instance
    bill.total = bill_total(bill)
    return bill.total


def approve_bill(
    bill: VendorBill | int, *, actor: Actor, reason: str = "", idempotency_key: str = ""
) -> TransitionResult:
    """Approve a draft bill: fix its total and publish ``procurement.vendor_bill_approved``."""
    target = bill if isinstance(bill, VendorBill) else (VendorBill, bill)
    return perform_transition(target, "approve", actor=actor, reason=reason, idempotency_key=idempotency_key)
