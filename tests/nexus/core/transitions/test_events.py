"""A transition that declares a public event writes it to the outbox in its transaction."""

import pytest

from nexus.core.events import CATALOGUE, EventSpec, OutboxEvent
from nexus.core.events.catalogue import ID, TEXT
from nexus.core.transitions import TransitionChange, perform_transition
from tests.kernel_example.models import Gadget, GadgetStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

EVENT = "kernel_example.gadget_approved"


@pytest.fixture
def approve_publishes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Declare an event on ``Gadget.approve`` and in the catalogue for the length of a test."""
    monkeypatch.setitem(
        CATALOGUE, EVENT, EventSpec(EVENT, "A gadget was approved.", {"gadget_id": ID, "status": TEXT})
    )
    for edge in Gadget.approve._django_fsm.transitions.values():
        monkeypatch.setitem(edge.custom, "event", EVENT)


@pytest.mark.usefixtures("approve_publishes")
def test_the_declared_event_is_published_with_the_models_payload(gadget, admin_user, tenant):
    perform_transition(gadget, "approve", actor=admin_user)

    event = OutboxEvent.objects.get()
    assert (event.name, event.tenant_id) == (EVENT, tenant.pk)
    assert event.payload == {"gadget_id": gadget.pk, "status": "approved", "schema_version": 1}


@pytest.mark.usefixtures("approve_publishes")
def test_a_caller_may_build_the_payload_itself(gadget, admin_user):
    perform_transition(
        gadget, "approve", actor=admin_user, event_payload=lambda g: {"gadget_id": g.pk, "status": "custom"}
    )

    assert OutboxEvent.objects.get().payload["status"] == "custom"


@pytest.mark.usefixtures("approve_publishes")
def test_a_refused_or_failed_transition_publishes_nothing(gadget, empty_gadget, admin_user):
    with pytest.raises(Exception, match="gadget has no quantity"):
        perform_transition(empty_gadget, "approve", actor=admin_user)

    def fail(change: TransitionChange) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        perform_transition(gadget, "approve", actor=admin_user, writes=fail)

    assert OutboxEvent.objects.count() == 0
    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.DRAFT


def test_transitions_without_an_event_publish_nothing(gadget, admin_user):
    perform_transition(gadget, "approve", actor=admin_user)

    assert OutboxEvent.objects.count() == 0
