"""The tenant-aware permission backend answers from the role in the current tenant."""

import pytest

from nexus.accounts.models import UserStatus
from nexus.core import scope
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGE_GADGET = "kernel_example.change_gadget"
VIEW_GADGET = "kernel_example.view_gadget"


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.smoke
def test_one_person_in_two_tenants_gets_the_answers_of_each_role(ana, acme, globex):
    with scope.tenant(acme):
        assert fresh(ana).has_perm(CHANGE_GADGET)
        assert fresh(ana).has_perm("tenancy.change_membership")
    with scope.tenant(globex):
        assert not fresh(ana).has_perm(CHANGE_GADGET)
        assert fresh(ana).has_perm(VIEW_GADGET)
        assert not fresh(ana).has_perm("tenancy.view_membership")


def test_the_same_user_object_answers_per_tenant(ana, acme, globex):
    with scope.tenant(acme):
        assert ana.has_perm(CHANGE_GADGET)
    with scope.tenant(globex):
        assert not ana.has_perm(CHANGE_GADGET)
        granted = ana.get_all_permissions()
        assert VIEW_GADGET in granted
        assert all(name.split(".", 1)[1].startswith("view_") for name in granted)


def test_no_tenant_no_tenant_permissions(ana):
    assert not fresh(ana).has_perm(VIEW_GADGET)
    assert fresh(ana).get_all_permissions() == set()


def test_a_suspended_tenant_grants_nothing(ana, dormant):
    with scope.tenant(dormant):
        assert fresh(ana).get_all_permissions() == set()


def test_a_tenant_without_membership_grants_nothing(acme):
    outsider = UserFactory.create()
    with scope.tenant(acme):
        assert not outsider.has_perm(VIEW_GADGET)


@pytest.mark.parametrize(
    "status", [MembershipStatus.INVITED, MembershipStatus.SUSPENDED, MembershipStatus.REMOVED]
)
def test_only_an_active_membership_grants(acme, status):
    member = UserFactory.create()
    MembershipFactory.create(user=member, tenant=acme, role=Role.ADMIN, status=status)
    with scope.tenant(acme):
        assert not member.has_perm(VIEW_GADGET)


def test_an_inactive_person_has_no_permissions(acme):
    member = UserFactory.create(status=UserStatus.SUSPENDED)
    MembershipFactory.create(user=member, tenant=acme, role=Role.ADMIN)
    with scope.tenant(acme):
        assert not fresh(member).has_perm(VIEW_GADGET)


def test_module_permissions_follow_the_role(ana, acme, globex):
    with scope.tenant(globex):
        assert fresh(ana).has_module_perms("kernel_example")
        assert not fresh(ana).has_module_perms("tenancy")
    with scope.tenant(acme):
        assert fresh(ana).has_module_perms("tenancy")
        assert not fresh(ana).has_module_perms("accounts")


def test_operators_hold_platform_permissions_without_a_tenant_but_no_tenant_data(operator, acme):
    assert operator.has_perm("accounts.change_user")
    assert operator.has_perm("tenancy.change_tenant")
    assert operator.has_module_perms("tenancy")
    with scope.tenant(acme):
        assert fresh(operator).has_perm("tenancy.add_tenant")
        assert not fresh(operator).has_perm(VIEW_GADGET)


def test_an_operator_with_a_membership_adds_the_role_in_that_tenant(operator, acme):
    MembershipFactory.create(user=operator, tenant=acme, role=Role.VIEWER)
    with scope.tenant(acme):
        assert fresh(operator).has_perm(VIEW_GADGET)
        assert not fresh(operator).has_perm(CHANGE_GADGET)


def test_no_object_level_permissions(ana, acme):
    membership = Membership.objects.get(user=ana, tenant=acme)
    with scope.tenant(acme):
        assert not fresh(ana).has_perm("tenancy.change_membership", membership)
