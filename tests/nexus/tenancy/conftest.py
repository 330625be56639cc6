import pytest

from nexus.tenancy.models import MembershipStatus, Role, TenantStatus
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory


@pytest.fixture
def acme(db):
    return TenantFactory.create(name="Acme", slug="acme")


@pytest.fixture
def globex(db):
    return TenantFactory.create(name="Globex", slug="globex")


@pytest.fixture
def dormant(db):
    return TenantFactory.create(name="Dormant", slug="dormant", status=TenantStatus.SUSPENDED)


@pytest.fixture
def ana(acme, globex, dormant):
    """Admin in Acme, viewer in Globex, warehouse clerk in the suspended Dormant."""
    user = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    MembershipFactory.create(user=user, tenant=globex, role=Role.VIEWER)
    MembershipFactory.create(user=user, tenant=dormant, role=Role.WAREHOUSE_CLERK)
    return user


@pytest.fixture
def operator(db):
    return UserFactory.create(email="operator@example.com", is_platform_operator=True)


def suspended_member(tenant, role=Role.ADMIN, **user):
    member = UserFactory.create(**user)
    MembershipFactory.create(user=member, tenant=tenant, role=role, status=MembershipStatus.SUSPENDED)
    return member
