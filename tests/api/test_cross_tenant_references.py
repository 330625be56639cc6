"""Every writable reference the API exposes refuses another tenant's row (generated).

The test walks the URL resolver of the real API (``nexus.urls``) plus the kernel's example API,
finds each viewset that creates or partially updates rows, and each writable field of its
serializer (nested one level, as in document lines) that refers to a tenant-scoped model. For
each it creates a row of that model in another tenant, posts its id, and expects 400 (with the
field named) or 404, and nothing changed. A caller who belongs to both tenants is the worst
case: the id is one they could use elsewhere.

Once the Inventory issue has landed (``nexus.inventory`` has models), the real API must expose
at least one writable tenant reference; finding none means the walk is broken.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.viewsets import GenericViewSet

from nexus.core import scope
from nexus.core.validators import is_tenant_scoped
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.api_walk import make

URLCONF = "tests.kernel_example.urls"
EXAMPLE_NAMESPACE = "example"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


@dataclass(frozen=True)
class Route:
    namespace: str
    name: str
    viewset: type[GenericViewSet]
    actions: dict[str, str]
    initkwargs: dict[str, Any]
    kwargs: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return f"{self.namespace}:{self.name}" if self.namespace else self.name


@dataclass(frozen=True)
class Reference:
    """A writable field (``path`` like ``kind`` or ``lines.product``) referring to ``target``."""

    route: Route
    detail: Route | None
    model: type[Model]  # what the route creates
    path: tuple[str, ...]
    target: type[Model]
    many: bool

    @property
    def label(self) -> str:
        return f"{self.route.url_name} {'.'.join(self.path)} -> {self.target._meta.label}"


def walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            view = pattern.callback
            viewset = getattr(view, "cls", None)
            actions = getattr(view, "actions", None)
            if viewset and actions and issubclass(viewset, GenericViewSet) and pattern.name:
                kwargs = tuple(pattern.pattern.regex.groupindex)
                initkwargs = dict(getattr(view, "initkwargs", {}))
                yield Route(namespace, pattern.name, viewset, dict(actions), initkwargs, kwargs)


def serializer_for(route: Route, action: str) -> serializers.BaseSerializer:
    view = route.viewset(**route.initkwargs)
    view.action_map = route.actions
    view.format_kwarg = None
    view.args, view.kwargs = (), {}
    view.request = view.initialize_request(APIRequestFactory().post("/"))
    view.action = action
    return view.get_serializer()


def writable_references(
    serializer: Any, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], type, bool]]:
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        many = isinstance(field, ManyRelatedField)
        relation = field.child_relation if many else field
        if isinstance(relation, RelatedField):
            queryset = relation.get_queryset() if relation.queryset is not None else None
            if queryset is not None and is_tenant_scoped(queryset.model):
                yield (*prefix, name), queryset.model, many
        elif isinstance(field, serializers.ListSerializer) and not prefix:
            yield from writable_references(field.child, (name,))
        elif isinstance(field, serializers.Serializer) and not prefix:
            yield from writable_references(field, (name,))


def discover_references() -> list[Reference]:
    routes = list(walk(get_resolver(URLCONF).url_patterns))
    found: dict[str, Reference] = {}
    for route in routes:
        if route.actions.get("post") != "create" or route.kwargs:
            continue
        detail = next(
            (
                other
                for other in routes
                if other.viewset is route.viewset
                and other.namespace == route.namespace
                and other.actions.get("patch") == "partial_update"
            ),
            None,
        )
        serializer = serializer_for(route, "create")
        model = serializer.Meta.model  # type: ignore[attr-defined]
        for path, target, many in writable_references(serializer):
            reference = Reference(route, detail, model, path, target, many)
            found.setdefault(reference.label, reference)
    return list(found.values())


def payload(reference: Reference, value: int) -> dict[str, Any]:
    leaf: Any = [value] if reference.many else value
    if len(reference.path) == 1:
        return {reference.path[0]: leaf}
    outer, inner = reference.path
    return {outer: [{inner: leaf}]}


def snapshot(model: type[Model]) -> list[tuple[Any, ...]]:
    with scope.system_context("test: compare every tenant's rows"):
        return sorted(model._base_manager.values_list())


REFERENCES = discover_references()


def test_the_walk_finds_the_writable_references():
    example = [r for r in REFERENCES if r.route.namespace.startswith(EXAMPLE_NAMESPACE)]
    real = [r for r in REFERENCES if not r.route.namespace.startswith(EXAMPLE_NAMESPACE)]

    assert "example:gadget-list kind -> kernel_example.GadgetKind" in [r.label for r in example]
    if list(apps.get_app_config("inventory").get_models()):
        assert real, (
            "nexus.inventory has models, yet the real API (nexus.urls) exposes no writable "
            "reference to a tenant-scoped row: wire the inventory API in, or the walk is broken"
        )


@pytest.fixture
def caller_in_two_tenants():
    home, other = TenantFactory.create(slug="home"), TenantFactory.create(slug="other")
    user = UserFactory.create()
    for tenant in (home, other):
        MembershipFactory.create(user=user, tenant=tenant, role=Role.ADMIN)
    client = APIClient()
    client.force_authenticate(user)
    return client, home, other


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: r.label)
def test_creating_with_another_tenants_row_is_refused_and_changes_nothing(reference, caller_in_two_tenants):
    client, _home, other = caller_in_two_tenants
    foreign = make(reference.target, other)
    model = reference.model
    before = snapshot(model)

    response = client.post(
        reverse(reference.route.url_name), payload(reference, foreign.pk), format="json", HTTP_X_TENANT="home"
    )

    assert response.status_code in (400, 404), response.content
    if response.status_code == 400:
        assert any(key.split(".")[0] == reference.path[0] for key in response.json()["fields"]), (
            response.json()
        )
    assert snapshot(model) == before


@pytest.mark.parametrize("reference", [r for r in REFERENCES if r.detail], ids=lambda r: r.label)
def test_updating_with_another_tenants_row_is_refused_and_changes_nothing(reference, caller_in_two_tenants):
    client, home, other = caller_in_two_tenants
    model = reference.model
    row = make(model, home)
    foreign = make(reference.target, other)
    before = snapshot(model)
    lookup = reference.detail.viewset.lookup_url_kwarg or reference.detail.viewset.lookup_field

    url = reverse(reference.detail.url_name, kwargs={lookup: row.pk})
    assert client.get(url, HTTP_X_TENANT="home").status_code == 200  # so a 404 is about the reference

    response = client.patch(url, payload(reference, foreign.pk), format="json", HTTP_X_TENANT="home")

    assert response.status_code in (400, 404), response.content
    if response.status_code == 400:
        assert any(key.split(".")[0] == reference.path[0] for key in response.json()["fields"]), (
            response.json()
        )
    assert snapshot(model) == before
