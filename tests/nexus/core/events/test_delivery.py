"""Publishing and delivery: after commit only, once in effect, failures recorded and contained."""

from typing import Any

import pytest
from django.db import transaction

from nexus.core import scope
from nexus.core.events import DeliveryStatus, EventEnvelope, OutboxDelivery, OutboxEvent, listener, publish
from nexus.core.events.delivery import deliver_event
from nexus.core.events.registry import register_listener
from tests.helpers.concurrency import run_in_parallel
from tests.kernel_example.models import GadgetKind

from .conftest import EVENT, PLATFORM_EVENT, kinds_recorded, publish_counted, record_kind

pytestmark = pytest.mark.django_db


def jammed(payload: dict[str, Any], event: EventEnvelope) -> None:
    GadgetKind.objects.create(name="written before the failure")
    raise RuntimeError("scanner jammed")


def delivery_rows() -> list[tuple[str, str, int]]:
    """(listener's function name, status, attempts) of every delivery, by function name."""
    with scope.system_context("tests: reading deliveries"):
        rows = [
            (row.listener.rsplit(".", 1)[-1], row.status, row.attempts)
            for row in OutboxDelivery.objects.all()
        ]
    return sorted(rows)


def change_that_fails() -> None:
    with transaction.atomic():
        publish_counted()
        raise RuntimeError("the change failed")


@pytest.mark.smoke
def test_the_event_is_written_in_the_callers_transaction_and_delivered_after_commit(in_tenant, run_on_commit):
    register_listener(EVENT, record_kind)

    with run_on_commit():
        event = publish_counted(gadget_id=7)
        assert kinds_recorded() == []  # nothing happens before the commit

    assert (event.tenant_id, event.name, event.historical) == (in_tenant.pk, EVENT, False)
    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]
    assert delivery_rows() == [("record_kind", DeliveryStatus.DELIVERED, 1)]
    assert OutboxEvent.objects.get(pk=event.pk).enqueued_at is not None


def test_an_event_written_in_a_rolled_back_transaction_is_never_delivered(in_tenant, run_on_commit):
    register_listener(EVENT, record_kind)

    with run_on_commit() as callbacks, pytest.raises(RuntimeError, match="the change failed"):
        change_that_fails()

    assert callbacks == []
    assert OutboxEvent.objects.count() == 0
    assert kinds_recorded() == []
    assert delivery_rows() == []


def test_a_message_delivered_twice_applies_once(in_tenant, run_on_commit):
    register_listener(EVENT, record_kind)
    with run_on_commit():
        event = publish_counted(gadget_id=7)

    deliver_event(event.pk, in_tenant.pk)
    deliver_event(event.pk, in_tenant.pk)

    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]
    assert delivery_rows() == [("record_kind", DeliveryStatus.DELIVERED, 1)]


def test_a_failing_listener_is_rolled_back_and_recorded_without_blocking_the_others(in_tenant, run_on_commit):
    register_listener(EVENT, jammed)
    register_listener(EVENT, record_kind)

    with run_on_commit():
        event = publish_counted(gadget_id=7)

    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]  # not "written before the failure"
    assert delivery_rows() == [
        ("jammed", DeliveryStatus.FAILED, 1),
        ("record_kind", DeliveryStatus.DELIVERED, 1),
    ]
    failed = OutboxDelivery.objects.get(listener__endswith=".jammed")
    assert failed.last_error.startswith("Traceback (most recent call last):")
    assert failed.last_error.endswith("RuntimeError: scanner jammed")
    assert failed.next_attempt_at is not None
    assert failed.delivered_at is None
    assert failed.tenant_id == in_tenant.pk


def test_a_listener_that_breaks_the_sql_transaction_is_contained(in_tenant, run_on_commit):
    def duplicate_key(payload: dict[str, Any], event: EventEnvelope) -> None:
        kind = GadgetKind.objects.create(name="first")
        GadgetKind.objects.create(pk=kind.pk, name="same primary key")

    register_listener(EVENT, duplicate_key, name="tests.duplicate_key")
    register_listener(EVENT, record_kind)

    with run_on_commit():
        event = publish_counted(gadget_id=7)

    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]
    assert delivery_rows() == [
        ("duplicate_key", DeliveryStatus.FAILED, 1),
        ("record_kind", DeliveryStatus.DELIVERED, 1),
    ]
    assert "IntegrityError" in OutboxDelivery.objects.get(listener="tests.duplicate_key").last_error


def test_a_listener_runs_in_the_events_tenant(tenant, other_tenant, run_on_commit):
    seen: list[tuple[int | None, bool, int | None]] = []

    @listener(EVENT, name="tests.scope_probe")
    def probe(payload: dict[str, Any], event: EventEnvelope) -> None:
        seen.append((scope.current_tenant_id(), scope.in_system_context(), event.tenant_id))

    with run_on_commit(), scope.tenant(other_tenant):
        publish_counted()
    with run_on_commit(), scope.tenant(tenant):
        publish_counted(gadget_id=8)

    assert seen == [(other_tenant.pk, False, other_tenant.pk), (tenant.pk, False, tenant.pk)]


def test_a_platform_event_has_no_tenant_and_its_listener_runs_with_none(in_tenant, run_on_commit):
    seen: list[tuple[int | None, bool]] = []

    @listener(PLATFORM_EVENT, name="tests.platform_probe")
    def probe(payload: dict[str, Any], event: EventEnvelope) -> None:
        seen.append((scope.current_tenant_id(), scope.in_system_context()))

    with run_on_commit():
        event = publish(PLATFORM_EVENT, {"note": "hello"}, tenant_id=None)

    assert event.tenant_id is None
    assert seen == [(None, False)]
    assert delivery_rows() == [("platform_probe", DeliveryStatus.DELIVERED, 1)]


def test_the_envelope_describes_the_event_and_the_attempt(in_tenant, run_on_commit):
    envelopes: list[EventEnvelope] = []
    payloads: list[dict[str, Any]] = []

    @listener(EVENT, name="tests.a_mutating_listener")
    def mutate(payload: dict[str, Any], event: EventEnvelope) -> None:
        payload["gadget_id"] = -1
        envelopes.append(event)

    @listener(EVENT, name="tests.b_reading_listener")
    def read(payload: dict[str, Any], event: EventEnvelope) -> None:
        payloads.append(payload)

    with run_on_commit():
        event = publish_counted(gadget_id=7, quantity="2.500")

    assert envelopes == [
        EventEnvelope(
            event_id=event.pk,
            name=EVENT,
            schema_version=1,
            tenant_id=in_tenant.pk,
            occurred_at=event.occurred_at,
            request_id="",
            listener="tests.a_mutating_listener",
            attempt=1,
        )
    ]
    # Each listener gets its own copy of the payload.
    assert payloads == [{"gadget_id": 7, "quantity": "2.500", "schema_version": 1}]


def test_historical_events_are_recorded_and_never_dispatched(in_tenant, run_on_commit):
    register_listener(EVENT, record_kind)

    with run_on_commit() as callbacks:
        event = publish(EVENT, {"gadget_id": 1, "quantity": "1"}, historical=True)
    deliver_event(event.pk, in_tenant.pk)

    assert callbacks == []
    assert kinds_recorded() == []
    assert OutboxEvent.objects.get(pk=event.pk).enqueued_at is None


def test_an_event_nobody_listens_to_is_recorded_as_dispatched_without_a_task(in_tenant, run_on_commit):
    with run_on_commit() as callbacks:
        event = publish_counted()

    assert callbacks == []
    assert event.enqueued_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_apply_it_once(tenant):
    register_listener(EVENT, record_kind)
    with scope.tenant(tenant), transaction.atomic():
        # Written without its on-commit delivery: the threads below are the only deliverers.
        event = OutboxEvent.objects.create(
            name=EVENT, payload={"gadget_id": 7, "quantity": "1", "schema_version": 1}, tenant=tenant
        )

    outcomes = run_in_parallel(lambda _: deliver_event(event.pk, tenant.pk), threads=6)

    assert [outcome.error for outcome in outcomes] == [None] * 6
    assert kinds_recorded() == [f"counted 7 (event {event.pk})"]
    assert delivery_rows() == [("record_kind", DeliveryStatus.DELIVERED, 1)]
