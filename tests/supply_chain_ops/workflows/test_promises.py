"""Promises: dated by ATP, counted as demand, turned into reservations when the goods arrive."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.core.errors import InvalidInput, TransitionNotAllowed
from nexus.core.models.refs import ActorRef
from nexus.inventory.models import Reservation
from nexus.inventory.services import receive
from nexus.sales.services import confirm_order, top_up_reservations
from supply_chain_ops.coordinators.atp import AtpRequest, available_to_promise
from supply_chain_ops.models import Promise, PromiseKind, PromiseStatus
from supply_chain_ops.workflows import promises
from tests.supply_chain_ops.atp_site import START, atp_site, day, line_of, on_hand, purchase, sales_order

pytestmark = pytest.mark.django_db
__all__ = ["atp_site"]

SYSTEM = ActorRef.system("tests")


def promisable(site) -> Decimal:
    answer = available_to_promise(
        [AtpRequest(site.bolt.pk, Decimal(1), (site.warehouse.pk,))], start=START, horizon_days=30
    )[0]
    return answer.promisable[site.warehouse.pk]


def test_a_quote_takes_the_earliest_atp_and_counts_as_demand(atp_site):
    site = atp_site
    on_hand(site, "4")
    purchase(site, (5, "10"))
    quote = sales_order(site, (1, "6"), confirm=False)

    made = promises.promise(line_of(quote).pk, Decimal(6), actor=site.seller, today=START)

    assert (made.kind, made.promised_date, made.basis, made.status) == (
        PromiseKind.QUOTE,
        day(5),
        "atp",
        PromiseStatus.OPEN,
    )
    assert made.expires_at is not None
    assert made.expires_at > timezone.now() + dt.timedelta(hours=47)
    assert made.confidence == Decimal("0.8333")  # 4 of 6 on hand (certain), 2 from a quoted vendor (0.5)
    assert promisable(site) == Decimal("8.0000")


def test_a_second_promise_is_dated_after_the_first_and_beyond_the_horizon_by_lead_time(atp_site):
    site = atp_site
    on_hand(site, "5")
    first = sales_order(site, (0, "5"), confirm=False)
    second = sales_order(site, (0, "5"), confirm=False)

    promises.promise(line_of(first).pk, Decimal(5), actor=site.seller, today=START)
    later = promises.promise(line_of(second).pk, Decimal(5), actor=site.seller, today=START)

    assert (later.promised_date, later.basis, later.confidence) == (
        START + dt.timedelta(days=10),
        "lead_time",
        Decimal("0.5000"),
    )


def test_a_promise_for_a_confirmed_line_replaces_its_sales_demand(atp_site):
    site = atp_site
    purchase(site, (3, "10"))
    order = sales_order(site, (4, "6"))  # nothing on hand: 6 unreserved sales demand on day 4
    assert promisable(site) == Decimal("4.0000")

    made = promises.promise(line_of(order).pk, Decimal(6), actor=site.seller, today=START)

    assert (made.kind, made.promised_date) == (PromiseKind.FIRM, day(4))
    assert promisable(site) == Decimal("4.0000")  # counted once, not twice


def test_more_than_the_line_needs_or_nothing_is_refused_and_changes_nothing(atp_site):
    site = atp_site
    on_hand(site, "50")
    quote = sales_order(site, (1, "6"), confirm=False)
    promises.promise(line_of(quote).pk, Decimal(4), actor=site.seller, today=START)

    with pytest.raises(InvalidInput, match="still needs 2"):
        promises.promise(line_of(quote).pk, Decimal(3), actor=site.seller, today=START)
    with pytest.raises(InvalidInput, match="positive"):
        promises.promise(line_of(quote).pk, Decimal(0), actor=site.seller, today=START)

    assert Promise.objects.count() == 1


def test_a_product_nobody_supplies_cannot_be_promised_beyond_stock(atp_site):
    site = atp_site
    quote = sales_order(site, (1, "2"), product=site.nut, confirm=False)

    with pytest.raises(TransitionNotAllowed, match="no vendor supplies"):
        promises.promise(line_of(quote).pk, Decimal(2), actor=site.seller, today=START)


def test_firm_promises_become_reservations_on_receipt_once(atp_site):
    site = atp_site
    order = sales_order(site, (2, "6"))
    made = promises.promise(line_of(order).pk, Decimal(6), actor=site.seller, today=START)
    receive(site.bolt.pk, site.stock_a.pk, Decimal(4), Decimal(2), actor=SYSTEM)
    payload = {"warehouse_id": site.warehouse.pk, "lines": [{"product_id": site.bolt.pk}]}

    promises.reserve_on_receipt(payload, None)  # type: ignore[arg-type]
    promises.reserve_on_receipt(payload, None)  # type: ignore[arg-type]  # redelivered

    made = Promise.objects.get(pk=made.pk)
    assert (made.reserved_quantity, made.status) == (Decimal("4.0000"), PromiseStatus.OPEN)
    held = Reservation.objects.filter(source_type="sales.salesorderline", source_id=line_of(order).pk)
    assert [r.quantity for r in held] == [Decimal("4.0000")]

    receive(site.bolt.pk, site.stock_a.pk, Decimal(5), Decimal(2), actor=SYSTEM)
    promises.reserve_on_receipt(payload, None)  # type: ignore[arg-type]

    made = Promise.objects.get(pk=made.pk)
    assert (made.reserved_quantity, made.status) == (Decimal("6.0000"), PromiseStatus.FULFILLED)
    assert sorted(r.quantity for r in held.all()) == [Decimal("2.0000"), Decimal("4.0000")]


def test_confirming_the_order_firms_up_its_quotes(atp_site):
    site = atp_site
    on_hand(site, "2")
    quote = sales_order(site, (1, "6"), confirm=False)
    made = promises.promise(line_of(quote).pk, Decimal(6), actor=SYSTEM, today=START)

    confirm_order(quote, actor=site.seller)
    promises.firm_up_on_confirmation({"lines": [{"line_id": line_of(quote).pk}]}, None)  # type: ignore[arg-type]

    made = Promise.objects.get(pk=made.pk)
    assert (made.kind, made.expires_at) == (PromiseKind.FIRM, None)


def test_release_gives_the_supply_back(atp_site):
    site = atp_site
    on_hand(site, "5")
    quote = sales_order(site, (0, "5"), confirm=False)
    made = promises.promise(line_of(quote).pk, Decimal(5), actor=site.seller, today=START)
    assert promisable(site) == Decimal("0.0000")

    promises.release(made.pk, actor=site.seller, reason="customer declined")

    assert promisable(site) == Decimal("5.0000")


def test_a_promise_decides_on_the_line_as_it_is_under_the_lock(atp_site, monkeypatch):
    site = atp_site
    order = sales_order(site, (1, "6"))  # confirmed with nothing on hand: 6 unreserved
    lock = promises.lock_product_warehouse

    def reserved_while_waiting(product_id: int, warehouse_id: int) -> None:
        # What another transaction commits while this one waits for the lock: 4 arrive and are
        # reserved for the line, which then needs only 2 more.
        on_hand(site, "4")
        top_up_reservations(order, actor=SYSTEM)
        lock(product_id, warehouse_id)

    monkeypatch.setattr(promises, "lock_product_warehouse", reserved_while_waiting)

    with pytest.raises(InvalidInput, match="still needs 2"):
        promises.promise(line_of(order).pk, Decimal(6), actor=site.seller, today=START)
    assert not Promise.objects.exists()
