"""Reservations: reserving within what is free, confirming, releasing, consuming, expiring."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nexus.core import scope
from nexus.core.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent, TransitionLog
from nexus.core.transitions import perform_transition
from nexus.inventory import services
from nexus.inventory.models import MoveReason, Product, Reservation, ReservationState, StockAvailability
from nexus.inventory.services import ReservationRequest, SourceRef
from nexus.inventory.tasks import expire_reservations_task
from nexus.tenancy.models import Role
from nexus.tenancy.services import suspend_tenant
from tests.factories.inventory import GADGET_SOURCE_TYPE, reservation_source
from tests.factories.people import MembershipFactory
from tests.nexus.inventory.conftest import ACTOR, make_site

D = Decimal
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def stocked(site):
    services.receive(site.product.pk, site.stock.pk, 10, "2.00", actor=ACTOR)
    return site


def hold(site, quantity, source=None, **kwargs) -> Reservation:
    """Reserve in the site's warehouse, for the site's line unless another source is given."""
    return services.reserve(
        ReservationRequest(
            site.product.pk,
            site.warehouse.pk,
            quantity,
            kwargs.pop("day", DAY),
            source or site.line,
            **kwargs,
        ),
        actor=ACTOR,
    )


def pool(site) -> StockAvailability:
    return StockAvailability.objects.get(product=site.product, warehouse=site.warehouse)


def test_reserving_takes_free_stock_and_publishes(stocked):
    reservation = hold(stocked, 4)
    assert (reservation.state, reservation.quantity, reservation.open_quantity) == ("held", D(4), D(4))
    assert (pool(stocked).on_hand_sellable, pool(stocked).reserved) == (D(10), D(4))
    event = OutboxEvent.objects.get(name="inventory.reservation_changed")
    assert event.payload == {
        "reservation_id": reservation.pk,
        "product_id": stocked.product.pk,
        "warehouse_id": stocked.warehouse.pk,
        "quantity": "4.0000",
        "consumed_quantity": "0.0000",
        "required_date": "2026-12-01",
        "state": "held",
        "previous_state": None,
        "source_type": GADGET_SOURCE_TYPE,
        "source_id": stocked.line.id,
        "schema_version": 1,
    }


@pytest.mark.smoke
def test_reserving_more_than_is_free_is_refused_with_the_figures(stocked):
    hold(stocked, 7)
    with pytest.raises(Conflict) as refused:
        hold(stocked, 4, source=reservation_source())
    assert refused.value.code == "insufficient_stock"
    assert (
        refused.value.detail == "Cannot reserve 4 pcs of BOLT-10 in BER1: 3 free (10 sellable, 7 reserved)."
    )
    assert Reservation.objects.count() == 1
    assert pool(stocked).reserved == D(7)
    assert OutboxEvent.objects.filter(name="inventory.reservation_changed").count() == 1


def test_only_sellable_stock_can_be_reserved(site):
    services.receive(site.product.pk, site.hold.pk, 10, "2.00", actor=ACTOR)  # quality hold: not sellable
    with pytest.raises(Conflict, match="0 free"):
        hold(site, 1)
    with pytest.raises(Conflict, match="in HAM1: 0 free"):
        services.reserve(
            ReservationRequest(site.product.pk, site.other_warehouse.pk, 1, DAY, site.line), actor=ACTOR
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "0.5"}, "quantity"),
        ({"source": SourceRef("", 1)}, "source_type"),
        ({"source": SourceRef(GADGET_SOURCE_TYPE, 0)}, "source_id"),
        ({"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}, "expires_at"),
        ({"warehouse_id": 999_999}, "warehouse"),
    ],
)
def test_malformed_reservations_are_refused(stocked, change, field):
    values = {
        "product_id": stocked.product.pk,
        "warehouse_id": stocked.warehouse.pk,
        "quantity": 1,
        "required_date": DAY,
        "source": stocked.line,
    }
    with pytest.raises(InvalidInput) as refused:
        services.reserve(ReservationRequest(**(values | change)), actor=ACTOR)
    assert list(refused.value.fields) == [field]
    assert pool(stocked).reserved == 0


def test_an_inactive_or_unknown_product_cannot_be_reserved(stocked):
    Product.objects.filter(pk=stocked.product.pk).update(active=False)
    with pytest.raises(InvalidInput, match="BOLT-10 is inactive and cannot be reserved"):
        hold(stocked, 1)
    with pytest.raises(InvalidInput, match="Product 999999 does not exist"):
        services.reserve(ReservationRequest(999_999, stocked.warehouse.pk, 1, DAY, stocked.line), actor=ACTOR)
    assert pool(stocked).reserved == 0


def test_confirm_keeps_the_stock_and_stops_the_expiry(stocked):
    reservation = hold(stocked, 3, expires_at=timezone.now() + dt.timedelta(minutes=5))
    confirmed = services.confirm(reservation.pk, actor=ACTOR)
    assert (confirmed.state, confirmed.expires_at) == ("confirmed", None)
    assert pool(stocked).reserved == D(3)
    log = TransitionLog.objects.get(object_id=str(reservation.pk))
    assert (log.transition, log.from_state, log.to_state) == ("confirm", "held", "confirmed")
    event = OutboxEvent.objects.filter(name="inventory.reservation_changed").order_by("id").last()
    assert (event.payload["state"], event.payload["previous_state"]) == ("confirmed", "held")


def test_release_gives_the_stock_back_once(stocked):
    reservation = hold(stocked, 3)
    services.confirm(reservation.pk, actor=ACTOR)
    released = services.release(reservation.pk, actor=ACTOR, reason="order cancelled")
    assert released.state == ReservationState.RELEASED
    assert pool(stocked).reserved == 0
    with pytest.raises(TransitionNotAllowed, match="cannot release: the reservation is released"):
        services.release(reservation.pk, actor=ACTOR)
    assert pool(stocked).reserved == 0
    event = OutboxEvent.objects.filter(name="inventory.reservation_changed").order_by("id").last()
    assert (event.payload["state"], event.payload["previous_state"]) == ("released", "confirmed")


@pytest.mark.parametrize(
    ("transition", "state"), [("release", "released"), ("expire", "expired"), ("consume", "consumed")]
)
def test_the_transition_itself_gives_the_open_quantity_back_whoever_calls_the_service(
    stocked, transition, state
):
    reservation = hold(stocked, 3, expires_at=timezone.now() + dt.timedelta(minutes=1))
    hold(stocked, 2)
    lapse(reservation)

    perform_transition(reservation, transition, actor=ACTOR)

    reservation = Reservation.objects.get(pk=reservation.pk)
    consumed = D(3) if transition == "consume" else D(0)
    assert (reservation.state, reservation.consumed_quantity) == (state, consumed)
    assert pool(stocked).reserved == D(2)
    assert services.check_stock_ledger() == []


def test_a_replayed_release_gives_nothing_back_again(stocked):
    reservation = hold(stocked, 3)
    hold(stocked, 2)

    first = perform_transition(reservation, "release", actor=ACTOR, idempotency_key="once")
    again = perform_transition(reservation, "release", actor=ACTOR, idempotency_key="once")

    assert (first.replayed, again.replayed) == (False, True)
    assert pool(stocked).reserved == D(2)
    assert services.check_stock_ledger() == []


def test_a_person_needs_the_permission_to_release(stocked):
    reservation = hold(stocked, 3)
    viewer = MembershipFactory.create(tenant=stocked.tenant, role=Role.VIEWER).user
    with pytest.raises(PermissionDenied):
        services.release(reservation.pk, actor=viewer)
    clerk = MembershipFactory.create(tenant=stocked.tenant, role=Role.SALES).user
    assert services.release(reservation.pk, actor=clerk).state == "released"
    assert TransitionLog.objects.get(transition="release").actor_id == str(clerk.pk)


def test_shipping_consumes_the_sources_reservations_partly_then_wholly(stocked):
    p = stocked.product.pk
    reservation = hold(stocked, 6)
    hold(stocked, 4, source=reservation_source())  # someone else's
    # 10 sellable, all reserved: the shipment may take only what was reserved for its line
    services.issue(
        p, stocked.stock.pk, 4, reason=MoveReason.SHIPMENT, consume_reservations_of=stocked.line, actor=ACTOR
    )
    reservation = Reservation.objects.get(pk=reservation.pk)
    assert (reservation.state, reservation.consumed_quantity, reservation.open_quantity) == (
        "held",
        D(4),
        D(2),
    )
    assert (pool(stocked).on_hand_sellable, pool(stocked).reserved) == (D(6), D(6))
    services.issue(
        p, stocked.stock.pk, 2, reason=MoveReason.SHIPMENT, consume_reservations_of=stocked.line, actor=ACTOR
    )
    reservation = Reservation.objects.get(pk=reservation.pk)
    assert (reservation.state, reservation.consumed_quantity) == ("consumed", D(6))
    assert (pool(stocked).on_hand_sellable, pool(stocked).reserved) == (D(4), D(4))
    with pytest.raises(Conflict, match="at most 0 can leave"):
        services.issue(
            p,
            stocked.stock.pk,
            1,
            reason=MoveReason.SHIPMENT,
            consume_reservations_of=stocked.line,
            actor=ACTOR,
        )
    assert services.check_stock_ledger() == []


def test_consume_takes_the_earliest_required_date_first(stocked):
    later = hold(stocked, 3, day=DAY + dt.timedelta(days=5))
    sooner = hold(stocked, 3, day=DAY)
    assert services.consume(stocked.line, stocked.product.pk, stocked.warehouse.pk, 4, actor=ACTOR) == D(4)
    sooner, later = Reservation.objects.get(pk=sooner.pk), Reservation.objects.get(pk=later.pk)
    assert (sooner.state, later.state, later.consumed_quantity) == ("consumed", "held", D(1))
    assert pool(stocked).reserved == D(2)


def test_release_for_source_releases_every_open_reservation_of_it(stocked):
    first, second = hold(stocked, 2), hold(stocked, 3)
    other = hold(stocked, 1, source=reservation_source())
    released = services.release_for_source(stocked.line, actor=ACTOR, reason="order cancelled")
    assert sorted(r.pk for r in released) == [first.pk, second.pk]
    assert pool(stocked).reserved == D(1)
    assert Reservation.objects.get(pk=other.pk).state == "held"


def test_reserve_many_is_all_or_nothing(stocked):
    second = make_product_with_stock(stocked, "NUT-5", 3)
    requests = [
        ReservationRequest(stocked.product.pk, stocked.warehouse.pk, 6, DAY, stocked.line),
        ReservationRequest(second.pk, stocked.warehouse.pk, 2, DAY, stocked.line),
        ReservationRequest(stocked.product.pk, stocked.warehouse.pk, 5, DAY, reservation_source()),
    ]
    with pytest.raises(Conflict, match="Cannot reserve 11 pcs of BOLT-10 in BER1: 10 free"):
        services.reserve_many(requests, actor=ACTOR)
    assert Reservation.objects.count() == 0
    made = services.reserve_many(requests[:2], actor=ACTOR)
    assert [r.quantity for r in made] == [D(6), D(2)]
    assert dict(StockAvailability.objects.values_list("product_id", "reserved")) == {
        stocked.product.pk: D(6),
        second.pk: D(2),
    }


def make_product_with_stock(site, sku, quantity):
    from tests.factories.inventory import ProductFactory

    product = ProductFactory.create(sku=sku)
    services.receive(product.pk, site.stock.pk, quantity, "1.00", actor=ACTOR)
    return product


def lapse(*reservations: Reservation) -> None:
    """Let time pass for these holds: their expiry moves into the past."""
    past = timezone.now() - dt.timedelta(seconds=1)
    Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(expires_at=past)


def test_lapsed_holds_expire_and_give_their_stock_back(stocked):
    soon = timezone.now() + dt.timedelta(minutes=1)
    lapsed = hold(stocked, 2, expires_at=soon)
    open_ended = hold(stocked, 1)
    later = hold(stocked, 1, expires_at=timezone.now() + dt.timedelta(hours=1))
    firm = hold(stocked, 1, expires_at=soon)
    services.confirm(firm.pk, actor=ACTOR)
    lapse(lapsed)

    assert services.expire_reservations() == 1
    states = dict(Reservation.objects.values_list("id", "state"))
    assert states == {lapsed.pk: "expired", open_ended.pk: "held", later.pk: "held", firm.pk: "confirmed"}
    assert pool(stocked).reserved == D(3)
    assert TransitionLog.objects.get(transition="expire").actor_label == "reservation expiry"


def test_a_hold_cannot_be_expired_before_its_time(stocked):
    reservation = hold(stocked, 2, expires_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(TransitionNotAllowed, match="the hold has not reached its expiry time"):
        perform_transition(reservation, "expire", actor=ACTOR)
    assert Reservation.objects.get(pk=reservation.pk).state == "held"
    assert pool(stocked).reserved == D(2)


def test_the_periodic_task_expires_holds_of_active_tenants_only(stocked):
    paused = make_site("paused")
    soon = timezone.now() + dt.timedelta(minutes=1)
    lapse(hold(stocked, 2, expires_at=soon))
    with scope.tenant(paused.tenant):
        services.receive(paused.product.pk, paused.stock.pk, 5, 1, actor=ACTOR)
        paused_hold = hold(paused, 2, expires_at=soon)
        lapse(paused_hold)
    suspend_tenant(paused.tenant.pk, actor=ACTOR)
    with scope.tenant(None):
        assert expire_reservations_task() == 1  # one active tenant queued (eager here)
    assert pool(stocked).reserved == 0
    with scope.tenant(paused.tenant):
        assert Reservation.objects.get(pk=paused_hold.pk).state == "held"


def test_reserve_up_to_takes_what_is_free_in_request_order(stocked):
    hold(stocked, 3)
    first, second, third = reservation_source(), reservation_source(), reservation_source()
    requests = [
        ReservationRequest(stocked.product.pk, stocked.warehouse.pk, "5", DAY, first),
        ReservationRequest(stocked.product.pk, stocked.warehouse.pk, "4", DAY, second),
        ReservationRequest(stocked.product.pk, stocked.warehouse.pk, "1", DAY, third),
    ]

    taken = services.reserve_up_to(requests, actor=ACTOR)

    assert taken == [D(5), D(2), D(0)]  # 7 were free after the first hold
    assert pool(stocked).reserved == D(10)
    assert [
        r.quantity for r in Reservation.objects.filter(source_id__in=[first.id, second.id, third.id])
    ] == [
        D(5),
        D(2),
    ]
