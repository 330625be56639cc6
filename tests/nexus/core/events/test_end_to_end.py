"""Requests that publish: committed work stands whatever the listeners or the broker do."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery import Celery

from nexus.core import scope
from nexus.core.events import DeliveryStatus, EventEnvelope, OutboxDelivery, OutboxEvent, register_listener
from nexus.core.events.sweeper import sweep
from nexus.tenancy.models import Tenant
from tests.kernel_example.models import Gadget

from .conftest import kinds_recorded, record_kind

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.nexus.core.events.urls")]

DOWN_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def jammed(payload: dict[str, Any], event: EventEnvelope) -> None:
    raise RuntimeError("scanner jammed")


def count_gadget(client: Any, tenant: Tenant) -> Any:
    return client.post(
        "/count-gadget/", {"tenant_id": tenant.pk, "quantity": "2.500"}, content_type="application/json"
    )


def deliveries(event_id: int) -> dict[str, str]:
    with scope.system_context("tests: reading deliveries"):
        rows = OutboxDelivery.objects.filter(event_id=event_id)
        return {row.listener.rsplit(".", 1)[-1]: row.status for row in rows}


@contextmanager
def broker_down(app: Celery) -> Iterator[None]:
    """Send tasks to a broker that refuses connections, then restore the configuration."""
    wanted = {"broker_url": DOWN_BROKER, "task_always_eager": False}
    wanted |= {f"CELERY_{key.upper()}": value for key, value in wanted.items()}
    saved = {key: app.conf.get(key) for key in wanted}
    app.conf.update(wanted)
    forget_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_connections(app)


def forget_connections(app: Celery) -> None:
    # ``close()`` drops the connection pool but not the producer pool, which would otherwise
    # keep publishing to the dead broker for the tests that follow.
    app.close()
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


def test_a_failing_listener_does_not_turn_the_committed_request_into_an_error(client, tenant):
    register_listener("tests.gadget_counted", jammed)
    register_listener("tests.gadget_counted", record_kind)

    response = count_gadget(client, tenant)

    assert response.status_code == 200
    event_id = response.json()["event_id"]
    with scope.tenant(tenant):
        assert Gadget.objects.filter(pk=response.json()["gadget_id"]).exists()
    assert deliveries(event_id) == {"jammed": DeliveryStatus.FAILED, "record_kind": DeliveryStatus.DELIVERED}
    assert kinds_recorded() == [f"counted {response.json()['gadget_id']} (event {event_id})"]


def test_an_event_committed_while_the_broker_is_down_is_delivered_by_the_sweeper(client, tenant, settings):
    from nexus.celery import app

    register_listener("tests.gadget_counted", record_kind)
    with broker_down(app):
        response = count_gadget(client, tenant)

    assert response.status_code == 200
    event_id = response.json()["event_id"]
    with scope.tenant(tenant):
        assert OutboxEvent.objects.get(pk=event_id).enqueued_at is None
    assert deliveries(event_id) == {}

    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    report = sweep()

    assert (report.events_dispatched, report.delivered) == (1, 1)
    assert deliveries(event_id) == {"record_kind": DeliveryStatus.DELIVERED}
    assert kinds_recorded() == [f"counted {response.json()['gadget_id']} (event {event_id})"]


@pytest.mark.redis
def test_an_event_published_by_a_request_is_handled_by_a_celery_worker(client, tenant, celery_worker):
    register_listener("tests.gadget_counted", record_kind)

    response = count_gadget(client, tenant)
    event_id = response.json()["event_id"]

    deadline = time.monotonic() + 20
    while deliveries(event_id) != {"record_kind": DeliveryStatus.DELIVERED} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert deliveries(event_id) == {"record_kind": DeliveryStatus.DELIVERED}
    assert kinds_recorded() == [f"counted {response.json()['gadget_id']} (event {event_id})"]
    with scope.tenant(tenant):
        assert OutboxEvent.objects.get(pk=event_id).enqueued_at is not None
