"""How each loaded document got to its state: its transitions, as the workflows would have logged them.

The writer saves documents in their final state; this derives the steps that led there from
the simulated history — a purchase order sent, then partly and fully received as its receipts
were posted, closed weeks later; a sales order confirmed, shipped in parts, closed short; bills
approved and paid; requisitions approved and converted; credit notes issued, applied or voided —
each at the time it happened. ``record_past_transitions`` writes them set-based with their audit
events; the loader then seals the chain.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from nexus.core.transitions import PastTransition
from nexus.procurement.models import GoodsReceiptStatus as Gr
from nexus.procurement.models import PurchaseOrderStatus as Po
from nexus.procurement.models import RequisitionStatus as Req
from nexus.procurement.models import VendorBillStatus as Bill
from nexus.receivable.models import CreditNoteStatus as Cn
from nexus.sales.models import SalesOrderStatus as So
from nexus.sales.models import ShipmentStatus as Sh

from .writing import Writer

# A fully received order is closed this long after its last delivery (the simulation's rule).
CLOSE_AFTER = dt.timedelta(days=45)
PO_CANCEL_REASON = "The vendor could not deliver in time."
SO_CANCEL_REASON = "Customer cancelled."
VOID_REASON = "Issued against the wrong order line."


def document_transitions(writer: Writer) -> list[PastTransition]:
    """Every step of every loaded document, in no particular order."""
    return [
        *purchase_transitions(writer),
        *sales_transitions(writer),
        *bill_transitions(writer),
        *requisition_transitions(writer),
        *credit_note_transitions(writer),
    ]


def _step(
    row: models.Model, name: str, source: str, target: str, when: dt.datetime, reason: str = ""
) -> PastTransition:
    return PastTransition(row, name, source, target, when, reason)


@dataclass(frozen=True)
class Following:
    """How an order follows the postings of its receipts or shipments (record partial, record full)."""

    opened: str
    partly: str
    fully: str
    partly_by: str
    fully_by: str
    # The receipt's or shipment's own states, before and after its "post".
    drafted: str
    posted: str


RECEIVING = Following(
    Po.SENT,
    Po.PARTIALLY_RECEIVED,
    Po.RECEIVED,
    "record_partial_receipt",
    "record_full_receipt",
    Gr.DRAFT,
    Gr.POSTED,
)
SHIPPING = Following(
    So.CONFIRMED,
    So.PARTIALLY_SHIPPED,
    So.SHIPPED,
    "record_partial_shipment",
    "record_full_shipment",
    Sh.DRAFT,
    Sh.POSTED,
)
# One posting of a receipt or shipment: the document, when, and (order line, quantity) pairs.
Posting = tuple[models.Model, dt.datetime, list[tuple[int, Decimal]]]


def _follow(
    order: models.Model, ordered: dict[int, Decimal], postings: list[Posting], rule: Following
) -> tuple[list[PastTransition], str]:
    """Each posting, and the order's step after it; and the order's state after the last."""
    steps, state, done = [], rule.opened, defaultdict[int, Decimal](Decimal)
    for document, when, lines in postings:
        steps.append(_step(document, "post", rule.drafted, rule.posted, when))
        for line, quantity in lines:
            done[line] += quantity
        if all(done[line] >= quantity for line, quantity in ordered.items()):
            steps.append(_step(order, rule.fully_by, state, rule.fully, when))
            state = rule.fully
        elif state == rule.opened:
            steps.append(_step(order, rule.partly_by, state, rule.partly, when))
            state = rule.partly
    return steps, state


def purchase_transitions(writer: Writer) -> Iterator[PastTransition]:
    """Sent; each receipt posted, the order following it; closed or cancelled."""
    for order in writer.history.purchase_orders:
        row = writer.po_row[id(order)]
        sent_at = row.sent_at
        assert sent_at is not None
        yield _step(row, "send", Po.DRAFT, Po.SENT, sent_at)
        if order.status == "cancelled":
            yield _step(
                row, "cancel", Po.SENT, Po.CANCELLED, sent_at + dt.timedelta(days=1), PO_CANCEL_REASON
            )
            continue
        postings: list[Posting] = [
            (
                writer.receipt_row[id(receipt)],
                receipt.received_at,
                [(id(line.po_line), line.quantity) for line in receipt.lines],
            )
            for receipt in order.receipts
        ]
        steps, state = _follow(row, {id(line): line.quantity for line in order.lines}, postings, RECEIVING)
        yield from steps
        if order.status == "closed":
            yield _step(row, "close", state, Po.CLOSED, order.receipts[-1].received_at + CLOSE_AFTER)


def sales_transitions(writer: Writer) -> Iterator[PastTransition]:
    """Confirmed; each shipment posted, the order following it; closed short or cancelled."""
    shipments = defaultdict(list)
    for shipment in writer.shipments_in_order:
        shipments[id(shipment.order)].append(shipment)
    for order in writer.sales_in_order:
        row = writer.so_row[id(order)]
        confirmed_at = order.confirmed_at
        assert confirmed_at is not None
        yield _step(row, "confirm", So.DRAFT, So.CONFIRMED, confirmed_at)
        if order.status == "cancelled":
            cancelled_at = min(confirmed_at + dt.timedelta(days=1), writer.now)
            yield _step(row, "cancel", So.CONFIRMED, So.CANCELLED, cancelled_at, SO_CANCEL_REASON)
            continue
        postings: list[Posting] = [
            (
                writer.shipment_row[id(shipment)],
                shipment.shipped_at,
                [(id(line.so_line), line.quantity) for line in shipment.lines],
            )
            for shipment in shipments[id(order)]
        ]
        steps, state = _follow(row, {id(line): line.quantity for line in order.lines}, postings, SHIPPING)
        yield from steps
        if order.status == "closed":
            assert order.closed_at is not None
            yield _step(row, "close", state, So.CLOSED, order.closed_at)


def bill_transitions(writer: Writer) -> Iterator[PastTransition]:
    for bill in writer.bill_rows:
        assert bill.approved_at is not None
        yield _step(bill, "approve", Bill.DRAFT, Bill.APPROVED, bill.approved_at)
        if bill.status == Bill.PAID:
            assert bill.paid_at is not None
            yield _step(bill, "pay", Bill.APPROVED, Bill.PAID, bill.paid_at)


def requisition_transitions(writer: Writer) -> Iterator[PastTransition]:
    """Converted ones the morning their order was sent; today's approved or rejected this morning."""
    converted = writer.requisition_sources
    for requisition, order in zip(writer.requisition_rows, converted, strict=False):
        morning = dt.datetime.combine(order.order_date, dt.time(8), tzinfo=dt.UTC)
        yield _step(requisition, "approve", Req.DRAFT, Req.APPROVED, morning)
        yield _step(requisition, "convert", Req.APPROVED, Req.CONVERTED, morning + dt.timedelta(hours=1))
    this_morning = min(dt.datetime.combine(writer.history.today, dt.time(8), tzinfo=dt.UTC), writer.now)
    for requisition in writer.requisition_rows[len(converted) :]:
        if requisition.status == Req.APPROVED:
            yield _step(requisition, "approve", Req.DRAFT, Req.APPROVED, this_morning)
        elif requisition.status == Req.REJECTED:
            yield _step(requisition, "reject", Req.DRAFT, Req.REJECTED, this_morning, requisition.notes)


def credit_note_transitions(writer: Writer) -> Iterator[PastTransition]:
    for note in writer.credit_note_rows:
        assert note.issue_date is not None
        issued_at = dt.datetime.combine(note.issue_date, dt.time(12), tzinfo=dt.UTC)
        yield _step(note, "issue", Cn.DRAFT, Cn.ISSUED, issued_at)
        if note.status == Cn.APPLIED:
            assert note.applied_at is not None
            yield _step(note, "apply", Cn.ISSUED, Cn.APPLIED, note.applied_at)
        elif note.status == Cn.VOID:
            voided_at = min(issued_at + dt.timedelta(hours=3), writer.now)
            yield _step(note, "void", Cn.ISSUED, Cn.VOID, voided_at, VOID_REASON)
