"""Recording audit events in the caller's transaction."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.models import ActorKind, ActorRef, AuditEvent, ObjectRef
from nexus.core.request_id import _request_id
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def _all_events() -> list[AuditEvent]:
    with scope.system_context("test: read every chain"):
        return list(AuditEvent.objects.exclude(action="system.context_entered").order_by("id"))


@pytest.mark.smoke
def test_an_event_takes_the_current_tenant_and_is_unsealed(acme):
    user = UserFactory.create(email="ann@example.com")
    token = _request_id.set("req-42")
    try:
        with scope.tenant(acme):
            event = record_event(
                "gadget.renamed",
                actor=ActorRef.for_user(user),
                obj=ObjectRef("kernel_example.gadget", "7", "Sprocket"),
                data={"from": "Cog", "to": "Sprocket"},
                personal={"ip": "192.0.2.1"},
            )
    finally:
        _request_id.reset(token)

    stored = _all_events()
    assert [e.pk for e in stored] == [event.pk]
    row = stored[0]
    assert (row.tenant_id, row.action, row.request_id) == (acme.pk, "gadget.renamed", "req-42")
    assert (row.actor_kind, row.actor_id, row.actor_label) == (
        ActorKind.USER,
        str(user.pk),
        "ann@example.com",
    )
    assert (row.object_type, row.object_id, row.object_label) == ("kernel_example.gadget", "7", "Sprocket")
    assert row.data == {"from": "Cog", "to": "Sprocket"}
    assert row.personal == {"ip": "192.0.2.1"}
    assert (row.sequence, row.prev_hash, row.hash, row.sealed_at) == (None, "", "", None)


def test_no_tenant_selected_means_the_global_chain_and_an_explicit_tenant_wins(acme):
    platform = record_event("platform.setting_changed", actor=ActorRef.system("ops"))
    with scope.system_context("test: write for another tenant"):
        explicit = record_event("tenant.note", actor=ActorRef.system("ops"), tenant_id=acme.pk)
    with scope.tenant(acme):
        forced_global = record_event("platform.note", actor=ActorRef.system("ops"), tenant_id=None)

    assert (platform.tenant_id, explicit.tenant_id, forced_global.tenant_id) == (None, acme.pk, None)


def test_data_is_normalised_to_plain_json_deterministically():
    event = record_event(
        "values.recorded",
        actor=ActorRef.system("test"),
        data={
            "amount": Decimal("12.50"),
            "day": dt.date(2026, 3, 1),
            "at": dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "kind": ActorKind.USER,
            "tags": {"b", "a"},
            "pair": (1, "x"),
        },
    )
    with scope.system_context("test: read the global chain"):
        event.refresh_from_db()
    assert event.data == {
        "amount": "12.50",
        "day": "2026-03-01",
        "at": "2026-03-01T10:00:00+00:00",
        "ref": "12345678-1234-5678-1234-567812345678",
        "kind": "user",
        "tags": ["a", "b"],
        "pair": [1, "x"],
    }


@pytest.mark.parametrize("bad", [0.1, {"nested": [1.5]}, object(), {1: "non-string key"}, Decimal("NaN")])
def test_data_that_cannot_be_hashed_reliably_is_refused_and_nothing_is_written(bad):
    with pytest.raises(TypeError):
        record_event("values.recorded", actor=ActorRef.system("test"), data={"value": bad})
    assert _all_events() == []


def test_the_event_belongs_to_the_callers_transaction(acme):
    def failing_operation() -> None:
        with transaction.atomic():
            record_event("doomed.change", actor=ActorRef.system("test"))
            raise RuntimeError("the business operation failed")

    with pytest.raises(RuntimeError):
        failing_operation()
    assert _all_events() == []
