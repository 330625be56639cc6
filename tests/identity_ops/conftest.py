"""Tenants, people and clients for the identity flow tests (registration, invitations, lifecycle)."""

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.models import Device, DeviceKind, User
from nexus.accounts.tokens import issue_login_token
from nexus.tenancy.models import Role, Tenant, TenantStatus
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

CLIENT_ADDRESS = "198.51.100.7"
REFUSING_BACKEND = "tests.nexus.notifications.fakes.RefusingEmailBackend"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Throttle histories live in the cache, which outlives a test: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def acme(db: None) -> Tenant:
    """A tenant that takes self sign-ups (as viewers, verified within 7 days)."""
    return TenantFactory.create(name="Acme", slug="acme", policies={"self_signup": True})


@pytest.fixture
def globex(db: None) -> Tenant:
    """A tenant that takes no sign-ups."""
    return TenantFactory.create(name="Globex", slug="globex")


@pytest.fixture
def dormant(db: None) -> Tenant:
    return TenantFactory.create(name="Dormant", slug="dormant", status=TenantStatus.SUSPENDED)


@pytest.fixture
def ana(acme: Tenant, globex: Tenant) -> User:
    """Administrator of Acme, viewer in Globex."""
    user = UserFactory.create(email="ana@example.com", full_name="Ana Lima")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    MembershipFactory.create(user=user, tenant=globex, role=Role.VIEWER)
    return user


@pytest.fixture
def gus(globex: Tenant) -> User:
    """Administrator of Globex."""
    user = UserFactory.create(email="gus@example.com", full_name="Gus Globex")
    MembershipFactory.create(user=user, tenant=globex, role=Role.ADMIN)
    return user


@pytest.fixture
def operator(db: None) -> User:
    return UserFactory.create(email="operator@example.com", full_name="Opal Root", is_platform_operator=True)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient(REMOTE_ADDR=CLIENT_ADDRESS, HTTP_USER_AGENT="identity-tests/1.0")


def api_as(user: User, tenant: Tenant | None = None) -> APIClient:
    client = APIClient(REMOTE_ADDR=CLIENT_ADDRESS)
    client.force_authenticate(user)
    if tenant is not None:
        client.credentials(HTTP_X_TENANT=tenant.slug)
    return client


def token_api(user: User, tenant: Tenant | None = None, *, stepped_up: bool = False) -> APIClient:
    """A client with a real login token; ``stepped_up``: a second factor was just proved in that login."""
    device = Device.objects.create(
        user=user, kind=DeviceKind.TOKEN, mfa_verified_at=timezone.now() if stepped_up else None
    )
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_login_token(user, device).key}"}
    if tenant is not None:
        headers["HTTP_X_TENANT"] = tenant.slug
    client = APIClient(REMOTE_ADDR=CLIENT_ADDRESS)
    client.credentials(**headers)
    return client


LINK = re.compile(r"token=([A-Za-z0-9_\-%]+)")


def body_from_outbox(recipient: str, index: int = -1) -> str:
    """The text of the ``index``-th email sent to ``recipient``."""
    bodies = [str(message.body) for message in mail.outbox if recipient in message.to]
    assert bodies, f"no email to {recipient}"
    return bodies[index]


def key_from_outbox(recipient: str, index: int = -1) -> str:
    """The key in the link of the ``index``-th email sent to ``recipient``."""
    body = body_from_outbox(recipient, index)
    found = LINK.search(body)
    assert found, body
    return found.group(1)
