"""Walking the API for generated tests: its operations, rows to act on, and a fingerprint of the database."""

import copy
import datetime as dt
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import factory
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers
from rest_framework.test import APIClient

import tests.factories
from nexus.accounts.client import ClientInfo
from nexus.accounts.login import Via
from nexus.accounts.login_flow import finish_login
from nexus.accounts.mfa.policy import login_policy
from nexus.accounts.models import LoginToken, User
from nexus.core import scope
from nexus.tenancy.models import Role, Tenant
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory

WRITE_METHODS = ("POST", "PUT", "PATCH")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Operation:
    """One method on one path of the API, as the OpenAPI generator finds it in the URL configuration."""

    path: str  # with ``{id}`` style parameters
    method: str
    view: Any  # the view instance the generator built for it
    documented_body: Any  # the request serializer (class or instance) of its schema, or None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def model(self) -> type[Model] | None:
        """The model a viewset serves (the row a ``{id}`` names), if any."""
        queryset = getattr(type(self.view), "queryset", None)
        return None if queryset is None else queryset.model

    def request_serializer(self) -> serializers.BaseSerializer[Any] | None:
        """A fresh instance of the serializer documented for the body; None when it takes none."""
        found = self.documented_body
        if isinstance(found, serializers.BaseSerializer):
            found = copy.deepcopy(found)
        elif isinstance(found, type) and issubclass(found, serializers.BaseSerializer):
            found = found()
        return found if isinstance(found, serializers.BaseSerializer) else None


@cache
def api_operations() -> tuple[Operation, ...]:
    """Every operation under ``/api/v1/``, in a stable order."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if not path.startswith("/api/v1/"):
            continue
        # As the generator prepares each view before asking its schema about it.
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.path, schema.method = path, method
        body = schema.get_request_serializer() if method in WRITE_METHODS else None
        found.append(Operation(path, method, view, body))
    return tuple(sorted(found, key=lambda operation: (operation.path, operation.method)))


@dataclass
class World:
    """A caller who administers two tenants and calls the API in ``home``."""

    home: Tenant
    other: Tenant
    caller: User
    client: APIClient


def administrator_of_two_tenants(*, platform_operator: bool) -> World:
    """The worst case for probes: an administrator of both tenants (``home`` and ``other``) who
    has just proved a second factor, so that nothing is refused for lack of authority."""
    home, other = TenantFactory.create(slug="home"), TenantFactory.create(slug="other")
    caller = UserFactory.create(is_platform_operator=platform_operator)
    for tenant in (home, other):
        MembershipFactory.create(user=caller, tenant=tenant, role=Role.ADMIN)
    login = finish_login(None, caller, login_policy(caller), ClientInfo(), via=Via.TOKEN, mfa_used=True)
    assert login.token is not None
    # A use is recorded at most once a minute: as if just recorded, so that no probe records one.
    LoginToken.objects.filter(pk=login.token.token.pk).update(
        last_used_at=timezone.now() + dt.timedelta(days=1)
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {login.token.key}", HTTP_X_TENANT=home.slug)
    return World(home, other, caller, client)


@cache
def factories_by_model() -> dict[type[Model], Any]:
    """The factory of each model that has one in ``tests/factories``."""
    found: dict[type[Model], Any] = {}
    for module_info in pkgutil.iter_modules(tests.factories.__path__):
        module = importlib.import_module(f"tests.factories.{module_info.name}")
        for _name, candidate in inspect.getmembers(module, inspect.isclass):
            if issubclass(candidate, factory.django.DjangoModelFactory) and candidate._meta.model:
                found.setdefault(candidate._meta.model, candidate)
    return found


def make(model: type[M], tenant: Any, **fields: Any) -> M:
    """A row of ``model`` in ``tenant``, made by its factory."""
    maker = factories_by_model().get(model)
    assert maker is not None, f"add a factory for {model._meta.label} to tests/factories/"
    with scope.tenant(tenant):
        row: M = maker.create(**fields)
        return row


@cache
def _fingerprint_sql() -> str:
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    quote = connection.ops.quote_name
    # Table names come from the database's own catalogue, quoted.
    digests = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t)"  # noqa: S608
        for table in tables
    )
    return f"SELECT md5(concat_ws(',', {digests}))"


def database_fingerprint() -> str:
    """A digest of every row of every table (PostgreSQL): equal digests, nothing changed.

    Reads past row-level security by the setting itself: entering the system context would
    record an audit event, changing what it fingerprints.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.system', true)")
        previous = cursor.fetchone()[0] or ""
        cursor.execute("SELECT set_config('app.system', 'on', false)")
        try:
            cursor.execute(_fingerprint_sql())
            digest: str = cursor.fetchone()[0]
        finally:
            cursor.execute("SELECT set_config('app.system', %s, false)", [previous])
        return digest
