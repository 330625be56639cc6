"""The database refuses every change to audit rows except sealing once and erasure."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.sealer import seal_chains
from nexus.core.models import ActorRef, AuditEvent

pytestmark = pytest.mark.django_db
SYSTEM = ActorRef.system("test")


@pytest.fixture
def sealed(acme) -> AuditEvent:
    with scope.tenant(acme):
        record_event("gadget.changed", actor=SYSTEM, data={"n": 1}, personal={"ip": "192.0.2.1"})
    seal_chains([acme.pk])
    with scope.tenant(acme):
        return AuditEvent.objects.get()


def _refused(sql: str, params: list) -> None:
    with (
        scope.system_context("test: tamper"),
        pytest.raises(IntegrityError, match="audit events"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def _row(event: AuditEvent) -> tuple:
    with scope.system_context("test: read"):
        fresh = AuditEvent.objects.get(pk=event.pk)
    return (fresh.data, fresh.action, fresh.personal, fresh.sequence, fresh.hash, fresh.sealed_at)


@pytest.mark.smoke
def test_content_changes_are_refused_and_change_nothing(sealed):
    before = _row(sealed)
    _refused("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 2}', sealed.pk])
    _refused("UPDATE core_auditevent SET action = %s WHERE id = %s", ["other", sealed.pk])
    _refused("UPDATE core_auditevent SET personal = %s WHERE id = %s", ['{"ip": "x"}', sealed.pk])
    assert _row(sealed) == before


def test_the_model_cannot_save_over_an_event(sealed):
    sealed.action = "rewritten"
    with scope.system_context("test: save"), pytest.raises(IntegrityError), transaction.atomic():
        sealed.save()


def test_sealing_again_or_unsealing_is_refused(sealed):
    before = _row(sealed)
    _refused("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["a" * 64, sealed.pk])
    _refused("UPDATE core_auditevent SET sequence = 9 WHERE id = %s", [sealed.pk])
    _refused(
        "UPDATE core_auditevent SET hash = '', prev_hash = '', sequence = NULL, sealed_at = NULL "
        "WHERE id = %s",
        [sealed.pk],
    )
    assert _row(sealed) == before


def test_sealing_may_not_touch_other_columns(acme):
    with scope.tenant(acme):
        event = record_event("gadget.changed", actor=SYSTEM)
    _refused(
        "UPDATE core_auditevent SET sequence = 1, prev_hash = %s, hash = %s, sealed_at = %s, action = 'x' "
        "WHERE id = %s",
        ["0" * 64, "b" * 64, timezone.now(), event.pk],
    )


def test_an_event_cannot_arrive_already_sealed(acme):
    with scope.tenant(acme), pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(actor_kind="system", action="forged", sequence=1, hash="c" * 64)


def test_erasure_may_clear_personal_data_and_nothing_else(sealed):
    with scope.system_context("test: erase"):
        assert AuditEvent.objects.filter(pk=sealed.pk).update(personal=None) == 1
    data, action, personal, sequence, hash_, _ = _row(sealed)
    assert (data, action, personal, sequence, hash_) == ({"n": 1}, "gadget.changed", None, 1, sealed.hash)


@pytest.mark.postgres
def test_deletes_are_refused_on_postgresql(sealed):
    _refused("DELETE FROM core_auditevent WHERE id = %s", [sealed.pk])
    with scope.system_context("test: count"):
        assert AuditEvent.objects.filter(pk=sealed.pk).exists()
    with scope.system_context("test: orm delete"), pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=sealed.pk).delete()


@pytest.mark.postgres
def test_truncate_stays_possible_for_the_test_framework(sealed):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # foreign-key checks pending since the insert
        cursor.execute("TRUNCATE core_auditevent")
    with scope.system_context("test: count"):
        assert AuditEvent.objects.exclude(action="system.context_entered").count() == 0
