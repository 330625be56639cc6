"""Purchase-order states: sending, cancelling, closing, and the transitions only postings perform."""

from decimal import Decimal

import pytest

from nexus.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import TransitionLog
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import available_transitions, perform_transition
from nexus.procurement.models import PurchaseOrderStatus
from nexus.procurement.services import draft_receipt, post_receipt
from tests.factories.procurement import PurchaseOrderFactory

from .helpers import draft_order, order_lines, refreshed, sent_order

pytestmark = pytest.mark.django_db


def test_sending_commits_the_order_and_stamps_it(site, purchaser):
    order = draft_order(site, (site.bolt, "10", "4"))

    sent = perform_transition(order, "send", actor=purchaser).instance

    assert sent.status == PurchaseOrderStatus.SENT
    assert sent.sent_at is not None


def test_an_order_without_lines_cannot_be_sent(site, purchaser):
    order = PurchaseOrderFactory.create(vendor=site.vendor, warehouse=site.warehouse)

    with pytest.raises(TransitionNotAllowed, match="cannot send: the purchase order has no lines"):
        perform_transition(order, "send", actor=purchaser)

    assert refreshed(order).status == PurchaseOrderStatus.DRAFT
    assert not TransitionLog.objects.exists()


def test_an_inactive_vendor_gets_no_order(site, purchaser):
    order = draft_order(site, (site.bolt, "10", "4"))
    type(site.vendor).objects.filter(pk=site.vendor.pk).update(active=False)

    with pytest.raises(TransitionNotAllowed, match="cannot send: the vendor ACME is inactive"):
        perform_transition(order, "send", actor=purchaser)


@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("EUR", "1", "set the exchange rate from EUR to USD (it is still 1)"),
        ("USD", "1.2", "the order is in USD, the tenant's own currency, so its exchange rate must be 1"),
    ],
)
def test_the_exchange_rate_must_fit_the_currency(site, purchaser, currency, rate, message):
    order = draft_order(site, (site.bolt, "10", "4"), currency_id=currency, exchange_rate=Decimal(rate))

    with pytest.raises(TransitionNotAllowed) as refused:
        perform_transition(order, "send", actor=purchaser)

    assert refused.value.detail == f"cannot send: {message}"


def test_a_viewer_may_not_send(site, viewer):
    order = draft_order(site, (site.bolt, "10", "4"))

    with pytest.raises(PermissionDenied):
        perform_transition(order, "send", actor=viewer)


def test_cancelling_needs_a_reason_and_is_refused_once_goods_arrived(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    with pytest.raises(InvalidInput, match="A reason is required to cancel"):
        perform_transition(order, "cancel", actor=purchaser)
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(1)}), actor=clerk)

    with pytest.raises(TransitionNotAllowed, match="cannot cancel: the purchase order is partially received"):
        perform_transition(order, "cancel", actor=purchaser, reason="late")

    assert refreshed(order).status == PurchaseOrderStatus.PARTIALLY_RECEIVED


def test_a_partly_received_order_can_be_closed_and_then_expects_nothing(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(4)}), actor=clerk)

    closed = perform_transition(
        order, "close", actor=purchaser, reason="vendor cannot deliver the rest"
    ).instance

    assert closed.status == PurchaseOrderStatus.CLOSED
    with pytest.raises(TransitionNotAllowed, match="is closed"):
        draft_receipt(order)


def test_a_sent_order_cannot_be_closed_before_anything_arrived(site, purchaser):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))

    with pytest.raises(TransitionNotAllowed, match="cannot close: the purchase order is sent"):
        perform_transition(order, "close", actor=purchaser)


def test_receipt_transitions_are_never_offered_to_people_and_refused_to_them(
    site, purchaser, admin_user, clerk
):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    (line,) = order_lines(order)
    post_receipt(draft_receipt(order, quantities={line.pk: Decimal(4)}), actor=clerk)
    order = refreshed(order)

    offered = [choice.name for choice in available_transitions(order, admin_user)]

    assert offered == ["close"]
    with pytest.raises(PermissionDenied):
        perform_transition(order, "record_full_receipt", actor=admin_user)


def test_the_receipt_transitions_are_logged_as_the_posting_on_the_persons_behalf(site, purchaser, clerk):
    order = sent_order(site, purchaser, (site.bolt, "10", "4"))
    receipt = draft_receipt(order)
    post_receipt(receipt, actor=clerk)

    log = TransitionLog.objects.get(object_type="procurement.purchaseorder", transition="record_full_receipt")

    assert (log.from_state, log.to_state) == ("sent", "received")
    assert log.actor == ActorRef.system(f"{receipt} posted by clerk@acme.example")
    assert log.reason == f"{receipt} posted."
