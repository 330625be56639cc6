"""Transitions of global rows (users, memberships): their records and idempotent replays.

A user has no tenant, so its log row has none; a membership's log row takes the membership's
tenant. On PostgreSQL either must be written and read back whatever tenant (if any) the actor
has selected: row-level security would otherwise hide the earlier log row, and a retried
request would answer 409 instead of replaying.
"""

import pytest

from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.core.errors import IdempotencyMismatch
from nexus.core.models import TransitionLog
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

SYSTEM = ActorRef.system("test: lifecycle")


def logs_of(obj: object) -> list[tuple[int | None, str, str]]:
    with scope.system_context("test: read transition logs"):
        return list(
            TransitionLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))  # type: ignore[attr-defined]
            .order_by("id")
            .values_list("tenant_id", "transition", "idempotency_key")
        )


@pytest.mark.parametrize("selected", ["none", "another tenant"])
def test_a_user_transition_is_logged_without_a_tenant_and_replays(selected):
    person = UserFactory.create()
    operator = UserFactory.create(is_platform_operator=True)
    other = TenantFactory.create()

    def suspend() -> object:
        if selected == "none":
            return perform_transition(
                person, "suspend", actor=operator, reason="fraud check", idempotency_key="k1"
            )
        with scope.tenant(other):
            return perform_transition(
                person, "suspend", actor=operator, reason="fraud check", idempotency_key="k1"
            )

    first = suspend()
    again = suspend()

    assert (first.replayed, again.replayed) == (False, True)  # type: ignore[attr-defined]
    assert again.log.pk == first.log.pk  # type: ignore[attr-defined]
    person = User.objects.get(pk=person.pk)
    assert (person.status, person.is_active) == (UserStatus.SUSPENDED, False)
    assert logs_of(person) == [(None, "suspend", "k1")]


def test_a_reused_key_for_another_user_request_is_a_mismatch():
    person = UserFactory.create()
    perform_transition(person, "suspend", actor=SYSTEM, reason="first", idempotency_key="k2")

    with pytest.raises(IdempotencyMismatch):
        perform_transition(person, "suspend", actor=SYSTEM, reason="something else", idempotency_key="k2")


def test_a_membership_transition_is_logged_in_its_tenant_by_an_operator_in_no_tenant():
    acme = TenantFactory.create(slug="acme")
    MembershipFactory.create(tenant=acme, role=Role.ADMIN)
    clerk = MembershipFactory.create(tenant=acme, role=Role.SALES)
    operator = UserFactory.create(is_platform_operator=True)

    first = perform_transition(clerk, "suspend", actor=operator, reason="on leave", idempotency_key="m1")
    again = perform_transition(clerk, "suspend", actor=operator, reason="on leave", idempotency_key="m1")

    assert (first.replayed, again.replayed) == (False, True)
    assert Membership.objects.get(pk=clerk.pk).status == MembershipStatus.SUSPENDED
    assert logs_of(clerk) == [(acme.pk, "suspend", "m1")]
