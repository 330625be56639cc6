"""Membership role changes under concurrency (PostgreSQL)."""

import pytest

from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef
from nexus.tenancy.models import Membership, Role
from nexus.tenancy.services import change_member_role
from tests.factories.people import MembershipFactory, TenantFactory
from tests.helpers.concurrency import run_in_parallel

ACTOR = ActorRef.system("test")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_at_once_leave_one_administrator():
    acme = TenantFactory.create(slug="acme", name="Acme")
    admins = [MembershipFactory.create(tenant=acme, role=Role.ADMIN).pk for _ in range(2)]

    outcomes = run_in_parallel(lambda i: change_member_role(admins[i], Role.VIEWER, actor=ACTOR), threads=2)

    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    assert getattr(next(o.error for o in outcomes if not o.ok), "code", None) == "last_administrator"
    assert Membership.objects.filter(tenant=acme, role=Role.ADMIN).count() == 1


@pytest.mark.django_db
def test_demoting_an_administrator_while_another_remains():
    acme = TenantFactory.create(slug="acme", name="Acme")
    first, _second = (MembershipFactory.create(tenant=acme, role=Role.ADMIN) for _ in range(2))

    assert change_member_role(first.pk, Role.MANAGER, actor=ACTOR).role == Role.MANAGER


@pytest.mark.django_db
def test_an_unknown_role_is_refused():
    membership = MembershipFactory.create(role=Role.SALES)

    with pytest.raises(InvalidInput) as refused:
        change_member_role(membership.pk, "overlord", actor=ACTOR)

    assert refused.value.fields == {"role": ["Unknown role 'overlord'."]}
    membership.refresh_from_db()
    assert membership.role == Role.SALES
