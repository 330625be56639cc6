"""Fixtures for the outbox: a test event in the catalogue, no listeners but the test's, tenants."""

from collections.abc import Iterator
from typing import Any

import pytest

from nexus.core import scope
from nexus.core.events import CATALOGUE, EventEnvelope, EventSpec, publish
from nexus.core.events.catalogue import DECIMAL, ID, TEXT
from nexus.core.events.registry import isolated_registry
from nexus.core.models import OutboxEvent
from nexus.tenancy.models import Tenant
from tests.factories.people import TenantFactory
from tests.kernel_example.models import GadgetKind

EVENT = "tests.gadget_counted"
PLATFORM_EVENT = "tests.platform_ping"


@pytest.fixture(autouse=True)
def only_test_listeners() -> Iterator[None]:
    """Listeners the apps register (identity, notifications ...) stay out of these tests."""
    with isolated_registry():
        yield


@pytest.fixture(autouse=True)
def test_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        CATALOGUE,
        EVENT,
        EventSpec(EVENT, "A gadget was counted (tests).", {"gadget_id": ID, "quantity": DECIMAL}),
    )
    monkeypatch.setitem(
        CATALOGUE, PLATFORM_EVENT, EventSpec(PLATFORM_EVENT, "A ping (tests).", {"note": TEXT})
    )


@pytest.fixture
def tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="acme", name="Acme")


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="globex", name="Globex")


@pytest.fixture
def in_tenant(tenant: Tenant) -> Iterator[Tenant]:
    with scope.tenant(tenant):
        yield tenant


def publish_counted(gadget_id: int = 7, quantity: str = "2.500") -> OutboxEvent:
    return publish(EVENT, {"gadget_id": gadget_id, "quantity": quantity})


def record_kind(payload: dict[str, Any], event: EventEnvelope) -> None:
    """A listener with an effect in the database: one ``GadgetKind`` per event, in its tenant."""
    GadgetKind.objects.create(name=f"counted {payload['gadget_id']} (event {event.event_id})")


def kinds_recorded() -> list[str]:
    with scope.system_context("tests: reading every tenant's rows"):
        return sorted(GadgetKind.objects.values_list("name", flat=True))
