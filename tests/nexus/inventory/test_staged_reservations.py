"""Reservations pinned to staged goods: counted in ``reserved_staged``, not in sellable stock;
the goods leave staging only for them; consume takes them first; the ledger check proves it."""

import datetime as dt
from decimal import Decimal

import pytest

from nexus.core.errors import Conflict, InvalidInput
from nexus.inventory.models import MoveReason, Reservation, ReservationState, StockAvailability
from nexus.inventory.services import (
    ReservationRequest,
    check_stock_ledger,
    consume,
    issue,
    pinned_for_sources,
    receive,
    release,
    reserve,
    reserve_staged,
    transfer,
)
from tests.factories.inventory import reservation_source

from .conftest import ACTOR

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)


def figures(site) -> tuple[Decimal, Decimal, Decimal]:
    row = StockAvailability.objects.get(product=site.product, warehouse=site.warehouse)
    return row.on_hand_sellable, row.reserved, row.reserved_staged


def request(site, quantity: str, source=None) -> ReservationRequest:
    return ReservationRequest(site.product.pk, site.warehouse.pk, quantity, DAY, source or site.line)


@pytest.fixture
def staged(site):
    """10 in stock, 6 of them moved to staging."""
    receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    transfer(site.product.pk, site.stock.pk, site.staging.pk, 6, actor=ACTOR)
    return site


def test_pinning_holds_staged_goods_without_touching_sellable_stock(staged):
    site = staged

    [pinned] = reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)

    assert (pinned.location_id, pinned.quantity, pinned.state) == (
        site.staging.pk,
        Decimal("5"),
        ReservationState.HELD,
    )
    assert figures(site) == (Decimal("4.0000"), Decimal(0), Decimal("5.0000"))
    assert pinned_for_sources(site.line.type, [site.line.id]) == {
        site.line.id: [(site.staging.pk, Decimal("5.0000"))]
    }
    reserve(request(site, "4", reservation_source()), actor=ACTOR)  # sellable stock stays free for others
    assert check_stock_ledger() == []


def test_pinning_more_than_is_staged_and_not_pinned_is_refused(staged):
    site = staged
    reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)

    with pytest.raises(Conflict) as refused:
        reserve_staged([request(site, "2", reservation_source())], site.staging.pk, actor=ACTOR)

    assert refused.value.code == "insufficient_stock"
    assert "1 there are not pinned yet" in refused.value.detail
    assert Reservation.objects.count() == 1
    assert figures(site) == (Decimal("4.0000"), Decimal(0), Decimal("5.0000"))


def test_pinning_to_a_location_that_is_not_staging_is_refused(staged):
    site = staged

    with pytest.raises(InvalidInput) as refused:
        reserve_staged([request(site, "1")], site.stock.pk, actor=ACTOR)

    assert list(refused.value.fields) == ["location"]
    assert not Reservation.objects.exists()


def test_pinned_goods_leave_staging_only_once_their_reservation_is_consumed(staged):
    site = staged
    reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)

    with pytest.raises(Conflict) as refused:
        transfer(site.product.pk, site.staging.pk, site.stock.pk, 2, actor=ACTOR)
    assert refused.value.code == "stock_reserved"
    transfer(site.product.pk, site.staging.pk, site.stock.pk, 1, actor=ACTOR)  # the one not pinned

    issue(
        site.product.pk,
        site.staging.pk,
        5,
        actor=ACTOR,
        reason=MoveReason.SHIPMENT,
        consume_reservations_of=site.line,
    )

    assert Reservation.objects.get().state == ReservationState.CONSUMED
    assert figures(site) == (Decimal("5.0000"), Decimal(0), Decimal(0))
    assert check_stock_ledger() == []


def test_consume_takes_pinned_reservations_before_ordinary_ones(staged):
    site = staged
    ordinary = reserve(request(site, "3"), actor=ACTOR)
    [pinned] = reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)

    assert consume(site.line, site.product.pk, site.warehouse.pk, 6, actor=ACTOR) == Decimal(6)

    assert (
        Reservation.objects.get(pk=pinned.pk).state,
        Reservation.objects.get(pk=ordinary.pk).consumed_quantity,
    ) == (ReservationState.CONSUMED, Decimal("1.0000"))
    assert figures(site) == (Decimal("4.0000"), Decimal("2.0000"), Decimal(0))


def test_releasing_a_pinned_reservation_gives_back_reserved_staged(staged):
    site = staged
    [pinned] = reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)

    release(pinned.pk, actor=ACTOR, reason="order cancelled")

    assert figures(site) == (Decimal("4.0000"), Decimal(0), Decimal(0))
    assert check_stock_ledger() == []


def test_the_ledger_check_finds_a_wrong_reserved_staged(staged):
    site = staged
    reserve_staged([request(site, "5")], site.staging.pk, actor=ACTOR)
    StockAvailability.objects.filter(product=site.product).update(reserved_staged=Decimal(4))

    [difference] = check_stock_ledger()

    assert (difference.check, difference.expected, difference.found) == (
        "availability reserved staged",
        Decimal("5.0000"),
        Decimal("4.0000"),
    )
