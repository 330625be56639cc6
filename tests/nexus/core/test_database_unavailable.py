"""A database that cannot be reached answers 503: in the error shape under /api/, a plain page elsewhere."""

from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from nexus.accounts.models import Device, DeviceKind
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.api.exceptions import DATABASE_UNAVAILABLE
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.redis_server import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UNAVAILABLE = {"code": "service_unavailable", "detail": DATABASE_UNAVAILABLE}


@pytest.fixture(autouse=True)
def fresh_connection_afterwards() -> Iterator[None]:
    """Whatever a test left of its connection, the next one (and the flush) starts with a new one."""
    yield
    connection.close()


@pytest.fixture
def ana() -> Any:
    """Administrator of Acme (staff: she may use the admin)."""
    user = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=user, tenant=TenantFactory.create(slug="acme"), role=Role.ADMIN)
    return user


@pytest.fixture
def token_api(ana: Any) -> APIClient:
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    key = issue_login_token(ana, device).key
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_X_TENANT="acme")


@pytest.fixture
def browser(ana: Any) -> Client:
    """Logged in as Ana; gets Django's answer to an uncaught error rather than the error."""
    client = Client(raise_request_exception=False)
    client.force_login(ana)
    return client


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, connecting goes to a port nothing listens on."""
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", str(free_port()))


def connection_lost_at(table: str) -> Callable[..., Any]:
    """An execute wrapper: the server ends the session just before the first query on ``table``."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
        if table in sql:
            with suppress(Exception):  # the statement that ends the session fails itself
                context["connection"].connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return execute(sql, params, many, context)

    return wrapper


def current_settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true), current_setting('app.system', true)")
        return cursor.fetchone()


def test_an_api_request_answers_503_in_the_error_shape(token_api, database_down):
    response = token_api.get("/api/v1/products/")

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_a_connection_lost_mid_request_answers_503_and_leaves_no_tenant_behind(token_api):
    with connection.execute_wrapper(connection_lost_at("inventory_product")):
        response = token_api.get("/api/v1/products/")

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert scope.current_scope() == scope.NO_SCOPE
    assert current_settings() == ("", "")  # a new connection, with no tenant


def test_an_admin_page_answers_a_plain_503_page(browser, database_down):
    response = browser.get("/admin/")

    assert (response.status_code, response["Retry-After"]) == (503, "1")
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Service unavailable</h1>" in response.content.decode()


def test_an_api_request_failing_before_the_api_view_answers_in_the_error_shape(browser, database_down):
    # The session is read by middleware, before DRF's exception handler can see anything.
    response = browser.get("/api/v1/me/")

    assert (response.status_code, response["Retry-After"]) == (503, "1")
    assert response.json() == UNAVAILABLE
