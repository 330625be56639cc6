"""People and settings for the notification tests."""

import pytest
from django.test import override_settings

from nexus.accounts.models import User
from nexus.tenancy.models import Tenant
from tests.factories.people import TenantFactory, UserFactory

REFUSING_BACKEND = "tests.nexus.notifications.fakes.RefusingEmailBackend"
BOUNCING_BACKEND = "tests.nexus.notifications.fakes.BouncingEmailBackend"


@pytest.fixture
def person(db: None) -> User:
    return UserFactory.create(email="ana@example.com", full_name="Ana Lima")


@pytest.fixture
def other_person(db: None) -> User:
    return UserFactory.create(email="bo@example.com", full_name="Bo Chen")


@pytest.fixture
def operator(db: None) -> User:
    return UserFactory.create(email="operator@example.com", full_name="Opal Root", is_platform_operator=True)


@pytest.fixture
def acme(db: None) -> Tenant:
    return TenantFactory.create(name="Acme", slug="acme")


@pytest.fixture
def globex(db: None) -> Tenant:
    return TenantFactory.create(name="Globex", slug="globex")


@pytest.fixture
def refusing_mail_server():
    """Every email the application sends is refused by the (fake) mail server."""
    with override_settings(EMAIL_BACKEND=REFUSING_BACKEND):
        yield
