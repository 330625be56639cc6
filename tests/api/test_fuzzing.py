"""Schemathesis against the live schema: generated requests to every operation, as a signed-in user.

The schema is the one ``/api/schema/`` serves; the requests go in-process to the WSGI
application (the test database, the test transaction). Every answer must be no server error and
must match the schema: status code documented, body of the documented shape. The number of
examples per operation is bounded for ``make test`` (``NEXUS_FUZZ_EXAMPLES``, default 5);
``make fuzz`` runs the longer walk.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nexus.accounts.client import ClientInfo
from nexus.accounts.login import Via
from nexus.accounts.login_flow import finish_login
from nexus.accounts.mfa.policy import login_policy
from nexus.accounts.models import User
from nexus.tenancy.models import Role, Tenant
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

EXAMPLES = int(os.environ.get("NEXUS_FUZZ_EXAMPLES", "5"))


@pytest.fixture
def wsgi_application() -> Iterator[WSGIHandler]:
    """The application, its requests kept inside the test's transaction (as Django's test client does)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_application: WSGIHandler) -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_application)


@dataclass
class Caller:
    tenant: Tenant
    user: User
    logins: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, operation: str) -> dict[str, str]:
        """A login of its own per operation, second factor just proved: a generated logout or
        refresh ends only that operation's login (later requests answer 401, as documented)."""
        if operation not in self.logins:
            user = User.objects.get(pk=self.user.pk)  # as it is now: earlier requests change it
            login = finish_login(None, user, login_policy(user), ClientInfo(), via=Via.TOKEN, mfa_used=True)
            assert login.token is not None
            self.logins[operation] = {
                "Authorization": f"Token {login.token.key}",
                "X-Tenant": self.tenant.slug,
            }
        return self.logins[operation]


@pytest.fixture
def caller() -> Caller:
    """A tenant administrator."""
    tenant = TenantFactory.create(slug="fuzz")
    user = UserFactory.create()
    MembershipFactory.create(user=user, tenant=tenant, role=Role.ADMIN)
    return Caller(tenant, user)


schema = schemathesis.pytest.from_fixture("api_schema")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_no_server_error_and_answers_match_the_schema(case, caller):
    headers = caller.headers(case.operation.label)
    # Each request in its own savepoint, as each has its own transaction in production.
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
