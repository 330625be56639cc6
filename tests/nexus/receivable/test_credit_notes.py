"""Credit notes: priced from the sales line, numbered without gaps when issued, exact totals, guards."""

from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent, TransitionLog
from nexus.core.transitions import perform_transition
from nexus.receivable.models import CreditNote, CreditNoteStatus
from nexus.receivable.services import draft_credit_note, issue_credit_note
from tests.factories.receivable import CreditNoteFactory, CreditNoteLineFactory
from tests.factories.sales import SalesOrderFactory, SalesOrderLineFactory

from .conftest import lines_of

pytestmark = pytest.mark.django_db


def test_a_draft_from_sales_lines_is_priced_at_their_net_price(order):
    bolt, nut = lines_of(order)

    note = draft_credit_note(order, {bolt.pk: Decimal(2), nut.pk: Decimal(3)}, reason="damaged in transit")

    assert (note.customer, note.sales_order, note.currency_id, note.status, note.number) == (
        order.customer,
        order,
        "USD",
        CreditNoteStatus.DRAFT,
        "",
    )
    assert list(note.lines.order_by("id").values_list("sales_order_line_id", "quantity", "unit_price")) == [
        (bolt.pk, Decimal("2.0000"), Decimal("22.500000")),
        (nut.pk, Decimal("3.0000"), Decimal("0.350000")),
    ]


def test_issuing_numbers_without_gaps_and_fixes_the_exact_total(order, accountant):
    bolt, nut = lines_of(order)
    first = draft_credit_note(order, {bolt.pk: Decimal(2)}, reason="damaged")
    second = draft_credit_note(order, {nut.pk: Decimal(3)}, reason="short")

    one = issue_credit_note(first, actor=accountant).instance
    two = issue_credit_note(second, actor=accountant).instance

    year = timezone.localdate().year
    assert (one.number, two.number) == (f"CN-{year}-000001", f"CN-{year}-000002")
    # 2 x 22.50 = 45.00; 3 x 0.35 = 1.05.
    assert (one.total, two.total) == (Decimal("45.00"), Decimal("1.05"))
    assert one.issue_date == timezone.localdate()
    event = OutboxEvent.objects.filter(name="receivable.credit_note_issued").order_by("id").first()
    assert event is not None
    assert event.payload == {
        "credit_note_id": first.pk,
        "number": f"CN-{year}-000001",
        "customer_id": order.customer_id,
        "sales_order_id": order.pk,
        "currency": "USD",
        "total": "45.00",
        "restocking_fee": "0.00",
        "issue_date": timezone.localdate().isoformat(),
        "lines": [
            {
                "line_id": first.lines.get().pk,
                "sales_order_line_id": bolt.pk,
                "quantity": "2.0000",
                "unit_price": "22.500000",
                "amount": "45.00",
            }
        ],
        "schema_version": 1,
    }


def test_line_amounts_round_half_even_and_the_total_is_their_sum(customer, accountant):
    note = CreditNoteFactory.create(customer=customer)
    CreditNoteLineFactory.create(
        credit_note=note, quantity=Decimal(3), unit_price=Decimal("0.335")
    )  # 1.005 -> 1.00
    CreditNoteLineFactory.create(
        credit_note=note, quantity=Decimal(1), unit_price=Decimal("0.015")
    )  # 0.015 -> 0.02

    assert issue_credit_note(note, actor=accountant).instance.total == Decimal("1.02")


def test_crediting_more_than_was_ordered_is_refused_across_notes_and_changes_nothing(order, accountant):
    bolt, _ = lines_of(order)
    issue_credit_note(draft_credit_note(order, {bolt.pk: Decimal(7)}, reason="returned"), actor=accountant)
    second = draft_credit_note(order, {bolt.pk: Decimal(4)}, reason="returned again")
    logs = TransitionLog.objects.count()

    with pytest.raises(Conflict) as refused:
        issue_credit_note(second, actor=accountant)

    assert refused.value.code == "over_credit"
    assert refused.value.detail == (
        "cannot issue: BOLT-10 would be credited 11 pcs in all, but 10 pcs were ordered (7 already credited)."
    )
    kept = CreditNote.objects.get(pk=second.pk)
    assert (kept.status, kept.number, kept.total) == (CreditNoteStatus.DRAFT, "", None)
    assert TransitionLog.objects.count() == logs


def test_a_voided_note_no_longer_counts(order, accountant):
    bolt, _ = lines_of(order)
    first = issue_credit_note(
        draft_credit_note(order, {bolt.pk: Decimal(10)}, reason="all"), actor=accountant
    )
    perform_transition(first.instance, "void", actor=accountant, reason="issued by mistake")

    again = issue_credit_note(
        draft_credit_note(order, {bolt.pk: Decimal(10)}, reason="all"), actor=accountant
    )

    assert again.instance.status == CreditNoteStatus.ISSUED


def test_crediting_above_the_net_price_is_refused(order, accountant):
    bolt, _ = lines_of(order)
    note = draft_credit_note(order, {bolt.pk: Decimal(1)}, reason="x")
    note.lines.update(unit_price=Decimal("25"))

    with pytest.raises(Conflict, match=r"credited at 25, above its net price 22\.5"):
        issue_credit_note(note, actor=accountant)


def test_a_line_of_another_order_is_refused(order, customer, accountant):
    other = SalesOrderFactory.create(customer=customer)
    foreign = SalesOrderLineFactory.create(order=other)
    note = CreditNoteFactory.create(customer=customer, sales_order=order)
    CreditNoteLineFactory.create(credit_note=note, sales_order_line=foreign)

    with pytest.raises(TransitionNotAllowed, match=f"sales order line {foreign.pk} is not a line of {order}"):
        issue_credit_note(note, actor=accountant)


def test_the_currency_must_be_the_orders(order, customer, accountant):
    note = CreditNoteFactory.create(customer=customer, sales_order=order, currency_id="EUR")
    CreditNoteLineFactory.create(credit_note=note)

    with pytest.raises(InvalidInput, match=r"the note is in EUR but .* is in USD"):
        issue_credit_note(note, actor=accountant)


def test_states_issue_then_apply_or_void(customer, accountant):
    note = CreditNoteFactory.create(customer=customer)
    CreditNoteLineFactory.create(credit_note=note)
    with pytest.raises(TransitionNotAllowed, match="cannot apply: the credit note is draft"):
        perform_transition(note, "apply", actor=accountant)
    issued = issue_credit_note(note, actor=accountant).instance
    with pytest.raises(InvalidInput, match="A reason is required to void"):
        perform_transition(issued, "void", actor=accountant)

    applied = perform_transition(
        issued, "apply", actor=accountant, reason="refunded by bank transfer"
    ).instance

    assert applied.status == CreditNoteStatus.APPLIED
    assert applied.applied_at is not None
    with pytest.raises(TransitionNotAllowed, match="cannot void: the credit note is applied"):
        perform_transition(applied, "void", actor=accountant, reason="x")


def test_an_empty_note_cannot_be_issued(customer, accountant):
    note = CreditNoteFactory.create(customer=customer)

    with pytest.raises(TransitionNotAllowed, match="cannot issue: the credit note has no lines"):
        issue_credit_note(note, actor=accountant)


def test_a_sales_clerk_may_not_issue(customer, seller):
    note = CreditNoteFactory.create(customer=customer)
    CreditNoteLineFactory.create(credit_note=note)

    with pytest.raises(PermissionDenied):
        issue_credit_note(note, actor=seller)


def test_drafting_for_a_line_of_another_order_is_refused(order, customer):
    other = SalesOrderLineFactory.create(order=SalesOrderFactory.create(customer=customer))

    with pytest.raises(InvalidInput, match="is not a line of"):
        draft_credit_note(order, {other.pk: Decimal(1)}, reason="x")
