"""Lifecycle flows: two levels of authority, last-administrator protection, revocations and notices."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail

from identity_ops.workflows.lifecycle import change_role, end_person_logins, move_membership, move_person
from nexus.accounts.models import Device, DeviceKind, LoginToken, User, UserStatus
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.errors import Conflict, NotFound, PermissionDenied, TransitionNotAllowed
from nexus.core.models import OutboxEvent, TransitionLog
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.concurrency import run_in_parallel

pytestmark = pytest.mark.django_db

LAST_ADMIN = "Acme needs at least one active administrator; make someone else administrator first."


def session_in(user, tenant) -> Device:
    """A live browser session of ``user`` working in ``tenant``, with its device."""
    store = SessionStore()
    store[SELECTED_TENANT_SESSION_KEY] = tenant.pk if tenant is not None else None
    store.create()
    assert store.session_key is not None
    return Device.objects.create(user=user, kind=DeviceKind.SESSION, session_key=store.session_key)


def token_of(user) -> LoginToken:
    device = Device.objects.create(user=user, kind=DeviceKind.TOKEN)
    return issue_login_token(user, device).token


def session_exists(device: Device) -> bool:
    return SessionStore().exists(device.session_key)


def test_suspending_a_member_ends_their_sessions_in_that_tenant_only_and_tells_them(
    acme, globex, ana, run_on_commit
):
    bo = UserFactory.create(email="bo@example.com")
    membership = MembershipFactory.create(user=bo, tenant=acme, role=Role.SALES)
    MembershipFactory.create(user=bo, tenant=globex, role=Role.SALES)
    in_acme, in_globex, token = session_in(bo, acme), session_in(bo, globex), token_of(bo)

    with scope.tenant(acme), run_on_commit():
        moved = move_membership(membership.pk, "suspend", actor=ana, reason="audit pending")

    assert (moved.from_state, moved.to_state, moved.replayed) == ("active", "suspended", False)
    assert not session_exists(in_acme)
    assert session_exists(in_globex)
    token.refresh_from_db()
    assert token.revoked_at is None  # tokens name their tenant on every request
    in_acme.refresh_from_db()
    assert in_acme.revoked_reason == "membership_suspended"
    (email,) = mail.outbox
    assert (email.to, email.subject) == (["bo@example.com"], "Your access to Acme was suspended")
    assert "audit pending" in email.body
    with scope.tenant(acme):
        event = OutboxEvent.objects.get(name="identity.membership_changed")
    assert (event.payload["status"], event.payload["changed_by"]) == ("suspended", ana.pk)


def test_the_transition_itself_ends_the_sessions_and_tells_the_person_whoever_calls_it(
    acme, ana, run_on_commit
):
    bo = UserFactory.create(email="bo@example.com")
    membership = MembershipFactory.create(user=bo, tenant=acme, role=Role.SALES)
    in_acme = session_in(bo, acme)

    with scope.tenant(acme), run_on_commit():
        perform_transition(membership, "suspend", actor=ana, reason="audit pending")

    assert not session_exists(in_acme)
    assert [email.subject for email in mail.outbox] == ["Your access to Acme was suspended"]
    with scope.tenant(acme):
        event = OutboxEvent.objects.get(name="identity.membership_changed")
    assert (event.payload["previous_status"], event.payload["status"]) == ("active", "suspended")


def test_an_accounts_own_transition_ends_its_logins_and_publishes_whoever_calls_it(
    operator, ana, run_on_commit
):
    token = token_of(ana)

    with run_on_commit():
        perform_transition(ana, "suspend", actor=operator, reason="compromised")

    token.refresh_from_db()
    assert token.revoked_reason == "account_suspended"
    assert [email.subject for email in mail.outbox] == ["Your account was suspended"]
    with scope.system_context("test: read the platform's events"):
        event = OutboxEvent.objects.get(name="identity.user_status_changed")
    assert (event.payload["previous_status"], event.payload["status"], event.payload["changed_by"]) == (
        "active",
        "suspended",
        operator.pk,
    )


def test_an_operator_activating_an_account_tells_the_person_a_sign_up_leaves_it_to_the_welcome(
    operator, run_on_commit
):
    vouched = UserFactory.create(email="vouched@example.com", status=UserStatus.PENDING_VERIFICATION)
    signed_up = UserFactory.create(email="new@example.com", status=UserStatus.PENDING_VERIFICATION)

    with run_on_commit():
        perform_transition(vouched, "activate", actor=operator)
        perform_transition(signed_up, "activate", actor=ActorRef.system("registration 1: address verified"))

    assert [(email.to, email.subject) for email in mail.outbox] == [
        (["vouched@example.com"], "Your account was activated")
    ]
    with scope.system_context("test: read the platform's events"):
        published = OutboxEvent.objects.filter(name="identity.user_status_changed").order_by("id")
        assert [event.payload["user_id"] for event in published] == [vouched.pk, signed_up.pk]


def test_a_replayed_suspension_changes_and_tells_nothing_again(acme, ana, run_on_commit):
    membership = MembershipFactory.create(tenant=acme, role=Role.SALES)

    with scope.tenant(acme), run_on_commit():
        first = move_membership(membership.pk, "suspend", actor=ana, reason="x", idempotency_key="once")
        again = move_membership(membership.pk, "suspend", actor=ana, reason="x", idempotency_key="once")

    assert (first.replayed, again.replayed, again.log_id) == (False, True, first.log_id)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("transition", ["suspend", "remove"])
def test_the_last_active_administrator_cannot_be_suspended_or_removed(acme, ana, transition):
    own = Membership.objects.get(user=ana, tenant=acme)

    with scope.tenant(acme), pytest.raises(TransitionNotAllowed) as refused:
        move_membership(own.pk, transition, actor=ana, reason="leaving")

    assert refused.value.detail == f"cannot {transition}: {LAST_ADMIN}"
    own.refresh_from_db()
    assert own.status == MembershipStatus.ACTIVE


def test_the_last_active_administrator_cannot_be_demoted(acme, ana):
    own = Membership.objects.get(user=ana, tenant=acme)

    with scope.tenant(acme), pytest.raises(Conflict) as refused:
        change_role(own.pk, Role.VIEWER, actor=ana)

    assert (refused.value.code, refused.value.detail) == ("last_administrator", LAST_ADMIN)


def test_an_administrator_may_step_down_when_another_remains(acme, ana, run_on_commit):
    MembershipFactory.create(tenant=acme, role=Role.ADMIN)
    own = Membership.objects.get(user=ana, tenant=acme)

    with scope.tenant(acme), run_on_commit():
        member = change_role(own.pk, Role.MANAGER, actor=ana)

    assert member.role == Role.MANAGER
    assert mail.outbox[0].subject == "Your role in Acme is now Operations manager"


def test_a_tenant_administrator_acts_only_on_their_tenants_memberships(acme, globex, ana):
    stranger = MembershipFactory.create(tenant=globex, role=Role.SALES)

    with scope.tenant(acme):
        with pytest.raises(NotFound):
            move_membership(stranger.pk, "suspend", actor=ana, reason="x")
        with pytest.raises(NotFound):
            change_role(stranger.pk, Role.VIEWER, actor=ana)
    # Selecting Globex, where Ana is a viewer, gives no more authority.
    with scope.tenant(globex):
        with pytest.raises(PermissionDenied):
            move_membership(stranger.pk, "suspend", actor=ana, reason="x")
        with pytest.raises(PermissionDenied):
            change_role(stranger.pk, Role.VIEWER, actor=ana)

    stranger.refresh_from_db()
    assert (stranger.status, stranger.role) == (MembershipStatus.ACTIVE, Role.SALES)


def test_a_tenant_administrator_cannot_suspend_the_person(acme, ana):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.SALES)

    with scope.tenant(acme), pytest.raises(PermissionDenied):
        move_person(bo.pk, "suspend", actor=ana, reason="misbehaves")

    bo.refresh_from_db()
    assert bo.status == UserStatus.ACTIVE


def test_suspending_a_person_ends_every_session_and_token_and_tells_them(
    acme, globex, operator, run_on_commit
):
    bo = UserFactory.create(email="bo@example.com")
    sessions = [session_in(bo, acme), session_in(bo, globex), session_in(bo, None)]
    token = token_of(bo)

    with run_on_commit():
        moved = move_person(bo.pk, "suspend", actor=operator, reason="compromised")

    assert (moved.from_state, moved.to_state) == ("active", "suspended")
    bo.refresh_from_db()
    assert (bo.status, bo.is_active) == (UserStatus.SUSPENDED, False)
    assert not any(session_exists(device) for device in sessions)
    token.refresh_from_db()
    assert token.revoked_reason == "account_suspended"
    assert mail.outbox[0].subject == "Your account was suspended"


def test_a_person_may_close_their_own_account_and_an_operator_reopens_it(operator):
    bo = UserFactory.create(email="bo@example.com")

    move_person(bo.pk, "deactivate", actor=bo, reason="leaving")
    with pytest.raises(PermissionDenied):
        move_person(bo.pk, "reactivate", actor=bo)
    move_person(bo.pk, "reactivate", actor=operator)

    assert User.objects.get(pk=bo.pk).status == UserStatus.ACTIVE


def test_operators_end_a_persons_logins_on_demand(operator, ana):
    token = token_of(ana)

    with pytest.raises(PermissionDenied):
        end_person_logins([ana.pk], actor=ana)
    ended = end_person_logins([ana.pk], actor=operator)

    assert ended[ana.pk].tokens == 1
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_at_once_leave_one():
    acme = TenantFactory.create(slug="acme", name="Acme")
    first, second = (MembershipFactory.create(tenant=acme, role=Role.ADMIN) for _ in range(2))
    pairs = [(first.pk, second.user_id), (second.pk, first.user_id)]

    def demote(index: int) -> object:
        membership_id, actor_id = pairs[index]
        with scope.tenant(acme):
            return change_role(membership_id, Role.VIEWER, actor=User.objects.get(pk=actor_id))

    outcomes = run_in_parallel(demote, threads=2)

    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    assert getattr(next(o.error for o in outcomes if not o.ok), "code", None) == "last_administrator"
    assert (
        Membership.objects.filter(tenant=acme, role=Role.ADMIN, status=MembershipStatus.ACTIVE).count() == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("through", ["lifecycle flow", "transition service"])
def test_two_administrators_suspending_each_other_at_once_leave_one(through):
    acme = TenantFactory.create(slug="acme", name="Acme")
    first, second = (MembershipFactory.create(tenant=acme, role=Role.ADMIN) for _ in range(2))
    pairs = [(first.pk, second.user_id), (second.pk, first.user_id)]

    def suspend(index: int) -> object:
        membership_id, actor_id = pairs[index]
        actor = User.objects.get(pk=actor_id)
        with scope.tenant(acme):
            if through == "transition service":  # as the admin and the API do
                return perform_transition((Membership, membership_id), "suspend", actor=actor, reason="coup")
            return move_membership(membership_id, "suspend", actor=actor, reason="coup")

    outcomes = run_in_parallel(suspend, threads=2)

    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    refused = next(o.error for o in outcomes if not o.ok)
    # The loser is refused as the last administrator or, already suspended, for lack of authority.
    assert isinstance(refused, TransitionNotAllowed | PermissionDenied)
    assert (
        Membership.objects.filter(tenant=acme, role=Role.ADMIN, status=MembershipStatus.ACTIVE).count() == 1
    )


def test_a_command_acts_as_the_system_and_is_recorded_so(acme):
    membership = MembershipFactory.create(tenant=acme, role=Role.SALES)

    moved = move_membership(membership.pk, "suspend", actor=ActorRef.system("manage.py test"), reason="x")

    with scope.tenant(acme):
        log = TransitionLog.objects.get(pk=moved.log_id)
    assert (log.actor_kind, log.actor_label, log.to_state) == ("system", "manage.py test", "suspended")
