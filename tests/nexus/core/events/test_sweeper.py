"""The sweeper: delivers stranded events, retries due failures with back-off, gives up after N."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from nexus.core import scope
from nexus.core.events import DeliveryStatus, EventEnvelope, OutboxDelivery, OutboxEvent, register_listener
from nexus.core.events.delivery import deliver_event, retry_delay
from nexus.core.events.sweeper import outbox_lag, outbox_report, sweep

from .conftest import EVENT, kinds_recorded, record_kind

pytestmark = pytest.mark.django_db


class Failing:
    """A listener that fails until told to recover, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.recovered = False

    def __call__(self, payload: dict[str, Any], event: EventEnvelope) -> None:
        self.calls += 1
        if not self.recovered:
            raise ConnectionError(f"vendor system down (attempt {event.attempt})")
        record_kind(payload, event)


class Highest:
    """A random source that always draws the top of the range: the jitter's upper bound."""

    def uniform(self, low: float, high: float) -> float:
        return high


class Lowest:
    def uniform(self, low: float, high: float) -> float:
        return low


def stranded_event(tenant_id: int, age: timedelta = timedelta(minutes=1)) -> OutboxEvent:
    """An event committed while its task could not be sent (``enqueued_at`` still empty)."""
    return OutboxEvent.objects.create(
        tenant_id=tenant_id,
        name=EVENT,
        payload={"gadget_id": 7, "quantity": "1", "schema_version": 1},
        occurred_at=timezone.now() - age,
    )


def make_due(delivery: OutboxDelivery) -> None:
    with scope.system_context("tests: fast-forward the back-off"):
        OutboxDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )


@pytest.mark.smoke
def test_a_stranded_event_is_delivered_by_the_sweeper_and_a_recent_one_is_left_to_celery(in_tenant):
    register_listener(EVENT, record_kind)
    old = stranded_event(in_tenant.pk)
    recent = stranded_event(in_tenant.pk, age=timedelta(seconds=1))

    report = sweep()

    assert (report.events_dispatched, report.delivered, report.errors) == (1, 1, [])
    assert kinds_recorded() == [f"counted 7 (event {old.pk})"]
    assert OutboxEvent.objects.get(pk=old.pk).enqueued_at is not None
    assert OutboxEvent.objects.get(pk=recent.pk).enqueued_at is None
    assert sweep().idle


def test_historical_events_are_never_swept(in_tenant):
    register_listener(EVENT, record_kind)
    event = stranded_event(in_tenant.pk)
    OutboxEvent.objects.filter(pk=event.pk).update(historical=True)

    assert sweep().idle
    assert kinds_recorded() == []


def test_the_back_off_doubles_up_to_the_cap_each_wait_drawn_between_half_and_all_of_it(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    settings.OUTBOX_RETRY_MAX_SECONDS = 300

    highest = [retry_delay(attempt, Highest()).total_seconds() for attempt in range(1, 8)]
    lowest = [retry_delay(attempt, Lowest()).total_seconds() for attempt in range(1, 8)]

    assert highest == [10, 20, 40, 80, 160, 300, 300]
    assert lowest == [5, 10, 20, 40, 80, 150, 150]


def test_a_failed_delivery_waits_for_its_back_off_then_the_sweeper_retries_it(in_tenant, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    listener = Failing()
    register_listener(EVENT, listener, name="tests.vendor_sync")
    event = stranded_event(in_tenant.pk)
    before = timezone.now()

    deliver_event(event.pk, in_tenant.pk)
    delivery = OutboxDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert (
        before + timedelta(seconds=30) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    )

    assert sweep().idle  # not due yet
    deliver_event(event.pk, in_tenant.pk)  # a duplicate message does not jump the back-off either
    assert listener.calls == 1

    listener.recovered = True
    make_due(delivery)
    report = sweep()

    assert (report.deliveries_retried, report.delivered) == (1, 1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error, delivery.next_attempt_at) == (
        DeliveryStatus.DELIVERED,
        2,
        "",
        None,
    )
    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]


def test_a_delivery_is_dead_after_the_configured_attempts_and_no_longer_retried(in_tenant, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    listener = Failing()
    register_listener(EVENT, listener, name="tests.vendor_sync")
    event = stranded_event(in_tenant.pk)

    deliver_event(event.pk, in_tenant.pk)
    delivery = OutboxDelivery.objects.get()
    for _ in range(2):
        make_due(delivery)
        sweep()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.DEAD, 3, None)
    assert delivery.last_error.endswith("ConnectionError: vendor system down (attempt 3)")
    assert sweep().idle
    assert listener.calls == 3


def test_a_delivery_whose_listener_is_gone_is_given_up_with_the_reason(in_tenant):
    event = stranded_event(in_tenant.pk)
    OutboxDelivery.objects.create(
        event=event,
        tenant_id=in_tenant.pk,
        listener="retired.listener",
        status=DeliveryStatus.FAILED,
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )

    report = sweep()

    delivery = OutboxDelivery.objects.get()
    assert (report.deliveries_retried, report.dead) == (1, 1)
    assert delivery.status == DeliveryStatus.DEAD
    assert (
        delivery.last_error == "listener 'retired.listener' is no longer registered for tests.gadget_counted"
    )


def test_the_lag_is_the_age_of_the_oldest_event_still_waiting(in_tenant):
    register_listener(EVENT, Failing(), name="tests.vendor_sync")
    with scope.system_context("tests: lag"):
        assert outbox_lag() is None
    old = stranded_event(in_tenant.pk, age=timedelta(minutes=10))
    stranded_event(in_tenant.pk, age=timedelta(minutes=2))

    with scope.system_context("tests: lag"):
        assert outbox_lag(now=old.occurred_at + timedelta(seconds=42)) == 42.0

    sweep()  # both fail: dispatched, but their deliveries wait for a retry
    with scope.system_context("tests: lag"):
        assert outbox_lag(now=old.occurred_at + timedelta(seconds=43)) == 43.0

    OutboxDelivery.objects.update(status=DeliveryStatus.DEAD, next_attempt_at=None)
    with scope.system_context("tests: lag"):
        assert outbox_lag() is None
    assert outbox_report() == {"outbox_lag_seconds": None, "outbox_dead_deliveries": 2}


def test_dispatch_outbox_sweeps_until_nothing_is_left_and_says_so(in_tenant, settings):
    settings.OUTBOX_SWEEP_BATCH = 2
    register_listener(EVENT, record_kind)
    for _ in range(3):
        stranded_event(in_tenant.pk)
    out = StringIO()

    call_command("dispatch_outbox", stdout=out)

    assert out.getvalue().splitlines() == [
        "swept so far: 2 events dispatched, 0 deliveries retried: 2 delivered, 0 failed, 0 dead",
        "swept so far: 3 events dispatched, 0 deliveries retried: 3 delivered, 0 failed, 0 dead",
        "Done: 3 events dispatched, 0 deliveries retried: 3 delivered, 0 failed, 0 dead. "
        "Lag now: none waiting; dead deliveries: 0.",
    ]
    assert len(kinds_recorded()) == 3


def test_dispatch_outbox_once_sweeps_a_single_batch(in_tenant):
    register_listener(EVENT, record_kind)
    for _ in range(3):
        stranded_event(in_tenant.pk)

    call_command("dispatch_outbox", "--once", "--batch", "2", stdout=StringIO())

    assert len(kinds_recorded()) == 2
