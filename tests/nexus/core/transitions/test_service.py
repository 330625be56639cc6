"""The transition service: locking, checks with messages, idempotency, records, rollback."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nexus.core import scope
from nexus.core.errors import (
    IdempotencyMismatch,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from nexus.core.models import AuditEvent, TransitionLog
from nexus.core.models.refs import ActorKind, ActorRef
from nexus.core.transitions import TransitionChange, UnknownTransition, perform_transition
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget, GadgetNote, GadgetStatus

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def assert_nothing_changed(gadget: Gadget, status: str = GadgetStatus.DRAFT) -> None:
    """The row kept its state and quantity, and no log, audit event or note was written."""
    fresh = Gadget.objects.get(pk=gadget.pk)
    assert (fresh.status, fresh.quantity) == (status, gadget.quantity)
    assert TransitionLog.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert GadgetNote.objects.count() == 0


def test_a_transition_saves_the_state_and_records_log_and_audit_event(gadget, admin_user, tenant):
    result = perform_transition(gadget, "approve", actor=admin_user, reason=" checked ")

    assert result.replayed is False
    assert result.instance.status == GadgetStatus.APPROVED
    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.APPROVED
    log = TransitionLog.objects.get()
    assert log == result.log
    assert (log.tenant_id, log.object_type, log.object_id) == (
        tenant.pk,
        "kernel_example.gadget",
        str(gadget.pk),
    )
    assert (log.transition, log.from_state, log.to_state) == ("approve", "draft", "approved")
    assert (log.actor_kind, log.actor_id, log.actor_label) == (
        ActorKind.USER,
        str(admin_user.pk),
        admin_user.email,
    )
    assert (log.reason, log.idempotency_key) == ("checked", "")
    assert len(log.payload_hash) == 64
    event = AuditEvent.objects.get()
    assert (event.tenant_id, event.action) == (tenant.pk, "kernel_example.gadget.approve")
    assert (event.object_type, event.object_id, event.object_label) == (
        "kernel_example.gadget",
        str(gadget.pk),
        "Widget",
    )
    assert (event.actor_kind, event.actor_id) == (ActorKind.USER, str(admin_user.pk))
    assert event.data == {
        "transition_log_id": log.pk,
        "from_state": "draft",
        "to_state": "approved",
        "reason": "checked",
        "idempotency_key": "",
    }


def test_a_model_and_primary_key_work_as_well_as_an_instance(gadget, admin_user):
    result = perform_transition((Gadget, gadget.pk), "approve", actor=admin_user)

    assert result.instance.pk == gadget.pk
    assert result.instance.status == GadgetStatus.APPROVED


def test_only_the_changed_fields_are_saved(gadget, admin_user):
    gadget.name = "edited in memory, never saved"

    with CaptureQueriesContext(connection) as queries:
        result = perform_transition(gadget, "archive", actor=admin_user)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"status"' in updates[0]
    assert '"quantity"' in updates[0]
    assert '"name"' not in updates[0]
    fresh = Gadget.objects.get(pk=gadget.pk)
    assert (fresh.name, fresh.status, fresh.quantity) == ("Widget", GadgetStatus.ARCHIVED, Decimal("0"))
    assert result.instance.quantity == 0


def test_a_failing_condition_refuses_with_its_message_and_changes_nothing(empty_gadget, admin_user):
    with pytest.raises(TransitionNotAllowed) as refused:
        perform_transition(empty_gadget, "approve", actor=admin_user)

    assert refused.value.detail == "cannot approve: gadget has no quantity"
    assert refused.value.status == 409
    assert refused.value.code == "transition_not_allowed"
    assert_nothing_changed(empty_gadget)


def test_a_wrong_source_state_says_which_state_the_record_is_in(gadget, admin_user):
    perform_transition(gadget, "archive", actor=admin_user)

    with pytest.raises(TransitionNotAllowed) as refused:
        perform_transition(gadget, "approve", actor=admin_user)

    assert refused.value.detail == "cannot approve: the gadget is archived"
    assert TransitionLog.objects.count() == 1


def test_the_state_is_checked_on_the_locked_row_not_on_the_callers_copy(gadget, admin_user):
    stale = Gadget.objects.get(pk=gadget.pk)
    perform_transition(gadget, "reject", actor=admin_user, reason="duplicate")

    with pytest.raises(TransitionNotAllowed, match="cannot approve: the gadget is rejected"):
        perform_transition(stale, "approve", actor=admin_user)


def test_a_transition_that_wants_a_reason_refuses_without_one(gadget, admin_user):
    with pytest.raises(InvalidInput) as refused:
        perform_transition(gadget, "reject", actor=admin_user, reason="   ")

    assert refused.value.detail == "A reason is required to reject."
    assert refused.value.fields == {"reason": ["A reason is required to reject."]}
    assert_nothing_changed(gadget)

    result = perform_transition(gadget, "reject", actor=admin_user, reason="wrong colour")
    assert result.log.reason == "wrong colour"
    assert result.instance.status == GadgetStatus.REJECTED


def test_a_person_without_the_transitions_permission_is_refused_and_nothing_changes(gadget, clerk):
    with pytest.raises(PermissionDenied) as refused:
        perform_transition(gadget, "approve", actor=clerk)

    assert refused.value.detail == "You are not allowed to approve this gadget."
    assert refused.value.status == 403
    assert_nothing_changed(gadget)


def test_the_same_person_may_perform_transitions_that_declare_no_permission(gadget, clerk):
    result = perform_transition(gadget, "archive", actor=clerk)

    assert result.instance.status == GadgetStatus.ARCHIVED


def test_a_system_actor_passes_a_permission_only_where_the_transition_allows_it(gadget):
    system = ActorRef.system("nightly clean-up")

    with pytest.raises(PermissionDenied, match="Approve needs a person's permission"):
        perform_transition(gadget, "approve", actor=system)
    assert_nothing_changed(gadget)

    result = perform_transition(gadget, "archive", actor=system)
    assert (result.log.actor_kind, result.log.actor_label) == (ActorKind.SYSTEM, "nightly clean-up")


def test_an_anonymous_actor_is_not_authenticated(gadget):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        perform_transition(gadget, "archive", actor=AnonymousUser())
    assert_nothing_changed(gadget)


def test_a_failing_write_inside_the_transition_leaves_nothing_behind(gadget, admin_user):
    def write_then_fail(change: TransitionChange) -> None:
        GadgetNote.objects.create(gadget=change.instance, text="half done")
        raise RuntimeError("the vendor rejected the line")

    with pytest.raises(RuntimeError, match="the vendor rejected the line"):
        perform_transition(gadget, "approve", actor=admin_user, writes=write_then_fail)

    assert_nothing_changed(gadget)


def test_writes_run_after_the_fsm_method_on_the_locked_row_and_their_result_is_returned(gadget, admin_user):
    def note(change: TransitionChange) -> GadgetNote:
        return GadgetNote.objects.create(gadget=change.instance, text=f"now {change.instance.status}")

    result = perform_transition(gadget, "approve", actor=admin_user, writes=note)

    assert result.output == GadgetNote.objects.get()
    assert result.output.text == "now approved"


def test_an_idempotent_replay_returns_the_earlier_result_and_runs_nothing(gadget, admin_user):
    calls = []

    def write(change: TransitionChange) -> None:
        calls.append(change.instance.pk)

    first = perform_transition(
        gadget, "reject", actor=admin_user, reason="late", idempotency_key="k-1", writes=write
    )
    again = perform_transition(
        gadget, "reject", actor=admin_user, reason="late", idempotency_key="k-1", writes=write
    )

    assert (first.replayed, again.replayed) == (False, True)
    assert again.log == first.log
    assert again.output is None
    assert again.instance.status == GadgetStatus.REJECTED
    assert calls == [gadget.pk]
    assert TransitionLog.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_a_replay_by_someone_without_the_permission_is_refused_not_answered(gadget, admin_user, clerk):
    perform_transition(gadget, "approve", actor=admin_user, idempotency_key="k-1")

    with pytest.raises(PermissionDenied) as refused:
        perform_transition(gadget, "approve", actor=clerk, idempotency_key="k-1")

    assert (refused.value.status, refused.value.detail) == (
        403,
        "You are not allowed to approve this gadget.",
    )
    assert TransitionLog.objects.count() == 1
    assert AuditEvent.objects.count() == 1
    again = perform_transition(gadget, "approve", actor=admin_user, idempotency_key="k-1")
    assert again.replayed  # the permitted caller's replay is still answered, not a 409


def test_an_idempotency_key_reused_with_a_different_request_is_a_conflict_and_changes_nothing(
    gadget, admin_user
):
    perform_transition(gadget, "reject", actor=admin_user, reason="late", idempotency_key="k-1")

    different_requests: list[tuple[str, str, dict | None]] = [
        ("reject", "early", None),
        ("archive", "late", None),
        ("reject", "late", {"extra": 1}),
    ]
    for name, reason, payload in different_requests:
        with pytest.raises(IdempotencyMismatch) as refused:
            perform_transition(
                gadget, name, actor=admin_user, reason=reason, payload=payload, idempotency_key="k-1"
            )
        assert (refused.value.status, refused.value.code) == (409, "idempotency_mismatch")

    assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.REJECTED
    assert TransitionLog.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_the_same_key_on_another_record_is_a_new_request(admin_user, in_tenant):
    one, two = GadgetFactory.create_batch(2, quantity=Decimal("1"))

    perform_transition(one, "approve", actor=admin_user, idempotency_key="same")
    second = perform_transition(two, "approve", actor=admin_user, idempotency_key="same")

    assert second.replayed is False
    assert TransitionLog.objects.count() == 2


def test_an_overlong_idempotency_key_is_invalid_input(gadget, admin_user):
    with pytest.raises(InvalidInput) as refused:
        perform_transition(gadget, "approve", actor=admin_user, idempotency_key="k" * 129)

    assert refused.value.fields == {"idempotency_key": ["An idempotency key has at most 128 characters."]}
    assert_nothing_changed(gadget)


def test_another_tenants_record_is_not_found(other_tenant, admin_user, tenant):
    with scope.tenant(other_tenant):
        theirs = GadgetFactory.create(quantity=Decimal("1"))

    with scope.tenant(tenant), pytest.raises(NotFound):
        perform_transition(theirs, "archive", actor=admin_user)

    with scope.tenant(other_tenant):
        assert Gadget.objects.get(pk=theirs.pk).status == GadgetStatus.DRAFT


def test_an_unknown_transition_name_is_a_clear_error(gadget, admin_user):
    with pytest.raises(UnknownTransition) as refused:
        perform_transition(gadget, "aprove", actor=admin_user)

    assert refused.value.detail == "Gadget has no transition 'aprove' (declared: approve, reject, archive)."
    assert refused.value.status == 404
    assert_nothing_changed(gadget)
