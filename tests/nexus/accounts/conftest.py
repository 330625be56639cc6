"""People, tenants and helpers for the login-security tests."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.mfa import authenticators, totp
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

ADDRESS = "203.0.113.20"
STEP = dt.timedelta(seconds=30)


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Throttle histories live in the cache, which outlives a test: start each with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def acme(db):
    return TenantFactory.create(name="Acme", slug="acme")


@pytest.fixture
def ana(acme):
    """Administrator of Acme, without a second factor."""
    user = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    return user


@pytest.fixture
def client_api() -> APIClient:
    return APIClient(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="pytest-agent/1.0")


def enrol(user) -> str:
    """Give the person a confirmed authenticator (confirmed two steps ago); return its secret."""
    pending = authenticators.begin_totp(user)
    earlier = timezone.now() - 2 * STEP
    authenticators.confirm_totp(pending.authenticator_id, totp.code_at(pending.secret, earlier), at=earlier)
    return pending.secret


def current_code(secret: str) -> str:
    """A code the server accepts now (the next step's, within the tolerated drift)."""
    return totp.code_at(secret, timezone.now() + STEP)


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def time_passes(user) -> None:
    """Let the person use a code again, as if a few time steps had passed since the last one."""
    from nexus.accounts.models import TotpAuthenticator

    TotpAuthenticator.objects.filter(user=user).update(last_used_step=totp.code_step(timezone.now()) - 3)
