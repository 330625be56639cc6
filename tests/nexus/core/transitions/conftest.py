"""Fixtures for the transition service: a tenant, people in it with roles, and gadgets."""

from collections.abc import Iterator
from decimal import Decimal

import pytest

from nexus.accounts.models import User
from nexus.core import scope
from nexus.tenancy import roles
from nexus.tenancy.models import Role, Tenant
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, TenantFactory
from tests.kernel_example.models import Gadget


@pytest.fixture
def tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="acme", name="Acme")


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    return TenantFactory.create(slug="globex", name="Globex")


@pytest.fixture
def in_tenant(tenant: Tenant) -> Iterator[Tenant]:
    with scope.tenant(tenant):
        yield tenant


def member(tenant: Tenant, role: str, email: str) -> User:
    return MembershipFactory.create(tenant=tenant, role=role, user__email=email).user


@pytest.fixture
def admin_user(tenant: Tenant) -> User:
    return member(tenant, Role.ADMIN, "admin@acme.example")


@pytest.fixture
def clerk_role(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A role that may view, add and change gadgets but holds no ``approve_gadget`` permission."""
    grant = roles.Grant("kernel_example", frozenset({"view", "add", "change"}))
    monkeypatch.setitem(roles.ROLE_GRANTS, Role.WAREHOUSE_CLERK, [grant])
    roles.role_permissions.cache_clear()
    yield Role.WAREHOUSE_CLERK
    roles.role_permissions.cache_clear()


@pytest.fixture
def clerk(tenant: Tenant, clerk_role: str) -> User:
    return member(tenant, clerk_role, "clerk@acme.example")


@pytest.fixture
def gadget(in_tenant: Tenant) -> Gadget:
    return GadgetFactory.create(name="Widget", quantity=Decimal("5.000"))


@pytest.fixture
def empty_gadget(in_tenant: Tenant) -> Gadget:
    return GadgetFactory.create(name="Empty", quantity=Decimal("0"))
