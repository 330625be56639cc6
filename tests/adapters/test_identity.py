"""The identity adapters on the accounts and tenancy domains: batch answers, refusals, deletion."""

import pytest

from adapters.identity import DjangoMembershipDirectory, DjangoPeopleDirectory, DjangoTenantDirectory
from identity_ops.contracts.directory import NewMember, NewPerson
from identity_ops.models import Invitation
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.core.errors import InvalidInput
from nexus.core.models.refs import ActorRef
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

people = DjangoPeopleDirectory()
memberships = DjangoMembershipDirectory()
tenants = DjangoTenantDirectory()


def test_people_are_found_by_address_whatever_its_case_in_one_query(django_assert_num_queries):
    UserFactory.create(email="Ana@Example.com")
    UserFactory.create(email="bo@example.com")

    with django_assert_num_queries(1):
        found = people.by_email(["ANA@example.com", "bo@example.com", "nobody@example.com"])

    assert {key: person.email for key, person in found.items()} == {
        "ANA@example.com": "Ana@Example.com",
        "bo@example.com": "bo@example.com",
    }


def test_new_accounts_wait_for_verification_and_a_taken_address_is_refused():
    created = people.create_pending(
        [NewPerson(email="new@example.com", full_name="New", password="a long pass 123")]
    )

    person = created["new@example.com"]
    assert (person.status, person.full_name) == (UserStatus.PENDING_VERIFICATION, "New")
    assert User.objects.get(pk=person.id).check_password("a long pass 123")
    with pytest.raises(InvalidInput) as refused:
        people.create_pending([NewPerson(email="NEW@example.com")])
    assert list(refused.value.fields) == ["email"]


def test_counts_of_memberships_elsewhere_include_zeroes(django_assert_num_queries):
    acme, globex = TenantFactory.create(), TenantFactory.create()
    both, only_here, nowhere = UserFactory.create(), UserFactory.create(), UserFactory.create()
    MembershipFactory.create(user=both, tenant=acme)
    MembershipFactory.create(user=both, tenant=globex)
    MembershipFactory.create(user=only_here, tenant=acme)

    with django_assert_num_queries(1):
        counts = memberships.counts_elsewhere([both.pk, only_here.pk, nowhere.pk], tenant_id=acme.pk)

    assert counts == {both.pk: 1, only_here.pk: 0, nowhere.pk: 0}


def test_memberships_are_created_invited_and_a_duplicate_is_refused():
    acme = TenantFactory.create()
    person = UserFactory.create()

    created = memberships.create([NewMember(user_id=person.pk, tenant_id=acme.pk, role=Role.SALES)])

    assert (created[person.pk].status, created[person.pk].role) == (MembershipStatus.INVITED, Role.SALES)
    with pytest.raises(InvalidInput):
        memberships.create([NewMember(user_id=person.pk, tenant_id=acme.pk, role=Role.VIEWER)])


def test_moving_memberships_reports_each_transition():
    acme = TenantFactory.create()
    MembershipFactory.create(tenant=acme, role=Role.ADMIN)
    clerks = [MembershipFactory.create(tenant=acme, role=Role.SALES) for _ in range(2)]

    moved = memberships.move([c.pk for c in clerks], "suspend", actor=ActorRef.system("test"), reason="audit")

    assert sorted(moved) == sorted(c.pk for c in clerks)
    assert {(m.from_state, m.to_state, m.replayed) for m in moved.values()} == {
        ("active", "suspended", False)
    }
    assert set(Membership.objects.filter(pk__in=moved).values_list("status", flat=True)) == {"suspended"}


def test_deleting_an_account_clears_references_to_it_in_every_tenant(ana_with_invitation):
    person, invitation, other_tenant = ana_with_invitation

    with scope.tenant(TenantFactory.create()):  # whatever tenant the caller works in
        people.delete([person.pk])

    assert not User.objects.filter(pk=person.pk).exists()
    with scope.tenant(other_tenant):
        assert Invitation.objects.get(pk=invitation.pk).invited_by_id is None


def test_roles_and_membership_permissions_come_from_tenancy():
    assert [r.value for r in tenants.roles()][:2] == ["admin", "manager"]
    assert tenants.administrator_role() == "admin"
    assert tenants.membership_permissions() == ("tenancy.view_membership", "tenancy.change_membership")


@pytest.fixture
def ana_with_invitation():
    """Ana, administrator of Globex, who invited someone there."""
    globex = TenantFactory.create()
    ana = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=ana, tenant=globex, role=Role.ADMIN)
    invitee = UserFactory.create(status=UserStatus.PENDING_VERIFICATION)
    with scope.tenant(globex):
        invitation = Invitation.objects.create(
            email=invitee.email,
            role=Role.SALES,
            invited_by=ana,
            user=invitee,
            token_digest="0" * 64,
            expires_at="2100-01-01T00:00:00Z",
        )
    return ana, invitation, globex
