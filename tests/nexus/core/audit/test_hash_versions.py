"""Each event is hashed by its own version: labels are erasable from version 2 on, not before."""

import pytest
from django.db import IntegrityError, connection, transaction

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.canonical import canonical_document, compute_hash
from nexus.core.audit.erasure import erase_personal_data
from nexus.core.audit.recording import scope_admitting
from nexus.core.audit.sealer import seal_chains
from nexus.core.audit.verification import verify_chains
from nexus.core.models import ActorKind, ActorRef, AuditEvent, ObjectRef

from .conftest import immutability_trigger_disabled

pytestmark = pytest.mark.django_db

ANN = ActorRef(ActorKind.USER, "11", "ann@example.com")
DPO = ActorRef(ActorKind.USER, "99", "dpo@example.com")
ANN_ACCOUNT = ObjectRef("accounts.user", "11", "ann@example.com")


def _legacy_event(tenant_id: int) -> AuditEvent:
    """An event as recorded before version 2 (its labels hashed)."""
    event = AuditEvent(
        tenant_id=tenant_id,
        hash_version=1,
        actor_kind=ANN.kind,
        actor_id=ANN.id,
        actor_label=ANN.label,
        action="gadget.changed",
        object_type=ANN_ACCOUNT.type,
        object_id=ANN_ACCOUNT.id,
        object_label=ANN_ACCOUNT.label,
        personal={"ip": "192.0.2.1"},
    )
    with scope_admitting(tenant_id):
        event.save(force_insert=True)
    return event


def _fresh(event: AuditEvent) -> AuditEvent:
    with scope.system_context("test: read"):
        return AuditEvent.objects.get(pk=event.pk)


def test_new_events_are_version_two_and_their_hash_leaves_the_labels_out(acme):
    with scope.tenant(acme):
        event = record_event("gadget.changed", actor=ANN, obj=ANN_ACCOUNT, data={"n": 1})
    assert event.hash_version == 2
    document = canonical_document(event)
    assert document["version"] == 2
    assert document["actor"] == {"kind": "user", "id": "11"}
    assert document["object"] == {"type": "accounts.user", "id": "11"}
    assert "ann@example.com" not in repr(document)


def test_a_legacy_event_keeps_its_labels_in_the_hash(acme):
    event = _legacy_event(acme.pk)
    document = canonical_document(event)
    assert "version" not in document
    assert document["actor"] == {"kind": "user", "id": "11", "label": "ann@example.com"}
    assert document["object"] == {"type": "accounts.user", "id": "11", "label": "ann@example.com"}


def test_erasure_clears_the_labels_of_new_events_keeps_those_of_legacy_ones_and_every_chain_verifies(acme):
    legacy = _legacy_event(acme.pk)
    with scope.tenant(acme):
        current = record_event("gadget.changed", actor=ANN, obj=ANN_ACCOUNT, personal={"ip": "192.0.2.2"})
        mentioning = record_event("gadget.moved", actor=ActorRef.system("GR-1 posted by ann@example.com"))
    seal_chains()

    assert (
        erase_personal_data(erased_by=DPO, actor=ANN, obj=ANN_ACCOUNT, identifying=["ann@example.com"]) == 3
    )

    legacy, current, mentioning = _fresh(legacy), _fresh(current), _fresh(mentioning)
    assert (legacy.actor_label, legacy.object_label, legacy.personal) == (
        "ann@example.com",
        "ann@example.com",
        None,
    )
    assert (current.actor_label, current.object_label, current.personal) == ("", "", None)
    assert (current.actor_kind, current.actor_id, current.object_id) == ("user", "11", "11")
    assert mentioning.actor_label == ""
    seal_chains()
    results = verify_chains()
    assert [result.broken for result in results] == [None, None]


def test_the_database_refuses_clearing_a_legacy_label_or_rewriting_a_label_or_the_version(acme):
    legacy = _legacy_event(acme.pk)
    with scope.tenant(acme):
        current = record_event("gadget.changed", actor=ANN, obj=ANN_ACCOUNT)
    seal_chains()
    attempts = [
        ("UPDATE core_auditevent SET actor_label = '' WHERE id = %s", legacy.pk),
        ("UPDATE core_auditevent SET object_label = '' WHERE id = %s", legacy.pk),
        ("UPDATE core_auditevent SET actor_label = 'bob@example.com' WHERE id = %s", current.pk),
        ("UPDATE core_auditevent SET hash_version = 1 WHERE id = %s", current.pk),
        ("UPDATE core_auditevent SET hash_version = 2 WHERE id = %s", legacy.pk),
    ]
    for sql, pk in attempts:
        with (
            scope.system_context("test: tamper"),
            pytest.raises(IntegrityError, match="audit events"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    assert (_fresh(legacy).actor_label, _fresh(legacy).hash_version) == ("ann@example.com", 1)
    assert (_fresh(current).actor_label, _fresh(current).hash_version) == ("ann@example.com", 2)


def test_a_changed_legacy_label_or_an_unknown_version_breaks_the_chain(acme):
    legacy = _legacy_event(acme.pk)
    with scope.tenant(acme):
        current = record_event("gadget.changed", actor=ANN)
    seal_chains()
    assert compute_hash(_fresh(legacy)) == _fresh(legacy).hash
    with immutability_trigger_disabled(), scope.system_context("test: tamper"):
        AuditEvent.objects.filter(pk=legacy.pk).update(actor_label="someone@example.com")
        AuditEvent.objects.filter(pk=current.pk).update(hash_version=7)
    (result,) = verify_chains([acme.pk])
    assert result.broken is not None
    assert result.broken.event_id == legacy.pk
    assert result.broken.problem.startswith("hash does not match")
    with immutability_trigger_disabled(), scope.system_context("test: repair"):
        AuditEvent.objects.filter(pk=legacy.pk).update(actor_label="ann@example.com")
    (result,) = verify_chains([acme.pk])
    assert result.broken is not None
    assert (result.broken.event_id, result.broken.problem) == (
        current.pk,
        f"audit event {current.pk} has the unknown hash version 7",
    )
