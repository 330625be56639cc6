"""Every writable reference the API exposes refuses another tenant's row (generated).

The test walks the URL resolver of the real API (``nexus.urls``) plus the kernel's example API,
finds each viewset that creates or partially updates rows, and each writable field of its
serializer (nested one level, as in document lines) that refers to a tenant-scoped model. For
each it creates a row of that model in another tenant, posts its id, and expects 400 (with the
field named) or 404, and nothing changed. A caller who belongs to both tenants is the worst
case: the id is one they could use elsewhere.

Reads, actions and ids outside serializer fields are generated from the operations of the
OpenAPI schema (``tests/helpers/api_walk.py``): every operation on ``{id}`` (detail, update,
delete and each action) on another tenant's row; every list filter that takes a row's id; every
mapping keyed by line ids (``LineQuantitiesField``: draft receipts and shipments); every pair of
fields naming a row by type and id (a reservation's ``source_type`` + ``source_id``). Each is
sent naming another tenant's row and naming an id no row ever had: the answers must be equal
(the id aside), a refusal where the operation acts on the row, and nothing may change, so the
caller learns nothing about the other tenant.

Once the Inventory issue has landed (``nexus.inventory`` has models), the real API must expose
at least one writable tenant reference; finding none means the walk is broken.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import django_filters
import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.viewsets import GenericViewSet

from nexus.core import scope
from nexus.core.api.fields import LineQuantitiesField
from nexus.core.transitions import perform_transition
from nexus.core.transitions.availability import available_transitions
from nexus.core.validators import is_tenant_scoped
from nexus.inventory.services.reservation_sources import registered_source_types
from nexus.tenancy.models import Membership, Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.api_walk import (
    WRITE_METHODS,
    Operation,
    World,
    administrator_of_two_tenants,
    api_operations,
    database_fingerprint,
    factories_by_model,
    make,
)

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


# Reads, actions and ids outside serializer fields, generated from the operations of the schema.
#
# Each probe is sent twice by an administrator of both tenants calling in ``home``: once naming
# a row of ``other`` and once naming an id no row ever had. The two answers must be the same
# (status and body, the id itself aside) — whether the row exists elsewhere is not something the
# caller may learn — and must change nothing.

NEVER_USED = 2**31 - 1
ID_FILTERS = (django_filters.NumberFilter, django_filters.ModelChoiceFilter)


@pytest.fixture
def world() -> World:
    return administrator_of_two_tenants(platform_operator=False)


def answer(response: Any, used_id: int) -> tuple[int, str]:
    """Status and body, with the id the probe named written ``<id>``."""
    return response.status_code, re.sub(rf"(?<!\d){used_id}(?!\d)", "<id>", response.content.decode())


def foreign_row(model: type[Model], world: World) -> Model:
    if model is Membership:
        return MembershipFactory.create(tenant=world.other, role=Role.VIEWER)
    return make(model, world.other)


def probes_rows(operation: Operation) -> bool:
    model = operation.model
    return (
        "{id}" in operation.path
        and operation.method != "OPTIONS"
        and model is not None
        # A membership belongs to one tenant as much as a tenant-scoped row does.
        and (model is Membership or (is_tenant_scoped(model) and model in factories_by_model()))
    )


ROW_OPERATIONS = [operation for operation in api_operations() if probes_rows(operation)]


def test_the_walk_finds_reads_and_actions_on_rows():
    labels = {operation.label for operation in ROW_OPERATIONS}

    assert {
        "GET /api/v1/purchase-orders/{id}/",
        "POST /api/v1/purchase-orders/{id}/send/",
        "DELETE /api/v1/products/{id}/",
        "POST /api/v1/members/{id}/suspend/",
        "POST /api/v1/transfer-orders/{id}/ship/",
    } <= labels


@pytest.mark.postgres
@pytest.mark.parametrize("operation", ROW_OPERATIONS, ids=lambda operation: operation.label)
def test_another_tenants_row_is_as_unknown_as_one_that_never_existed(operation, world):
    foreign = foreign_row(operation.model, world)
    before = database_fingerprint()

    answers = []
    for used_id in (foreign.pk, NEVER_USED):
        url = operation.path.replace("{id}", str(used_id))
        response = world.client.generic(operation.method, url, "{}", content_type="application/json")
        answers.append(answer(response, used_id))

    assert answers[0][0] in (400, 404), answers[0]
    assert answers[0] == answers[1]
    assert database_fingerprint() == before


@dataclass(frozen=True)
class FilterProbe:
    operation: Operation
    name: str
    target: type[Model] | None  # the model whose id the filter takes; None: read off a row of the list

    @property
    def label(self) -> str:
        return f"{self.operation.path}?{self.name}="


def filterset_of(operation: Operation) -> Any:
    view = operation.view
    for backend in view.filter_backends:
        if hasattr(backend, "get_filterset_class"):
            found = backend().get_filterset_class(view, type(view).queryset)
            if found is not None:
                return found
    return None


def filter_target(model: type[Model], name: str, filter_: Any) -> tuple[bool, type[Model] | None]:
    """Whether the filter takes an id of a tenant's row, and of which model when it says so."""
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        target = filter_.queryset.model
        return is_tenant_scoped(target), target
    if not isinstance(filter_, django_filters.NumberFilter):
        return False, None
    current: Any = model
    for part in filter_.field_name.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            try:
                field = current._meta.get_field(part.removesuffix("_id"))
            except FieldDoesNotExist:
                break
        if not field.is_relation:
            # A plain column of ids (``source_id`` beside ``source_type``): read it off a row.
            return part.endswith("_id") and current is model, None
        current = field.related_model
    else:
        return is_tenant_scoped(current), current
    # A filter by method: the model it is named after.
    named = [candidate for candidate in apps.get_models() if candidate._meta.model_name == name]
    return bool(named) and is_tenant_scoped(named[0]), named[0] if named else None


def filter_probes() -> Iterator[FilterProbe]:
    for operation in api_operations():
        if operation.method != "GET" or "{" in operation.path or operation.model is None:
            continue
        filterset = filterset_of(operation)
        if filterset is None:
            continue
        for name, filter_ in filterset.base_filters.items():
            takes_id, target = filter_target(filterset._meta.model, name, filter_)
            if takes_id:
                yield FilterProbe(operation, name, target)


FILTER_PROBES = list(filter_probes())


def test_the_walk_finds_the_list_filters_naming_rows():
    labels = {probe.label for probe in FILTER_PROBES}

    assert {
        "/api/v1/purchase-orders/?vendor=",
        "/api/v1/goods-receipts/?purchase_order__vendor=",
        "/api/v1/stock-moves/?warehouse=",
        "/api/v1/stock-balances/?warehouse=",
        "/api/v1/reservations/?source_id=",
    } <= labels


def foreign_filter_value(probe: FilterProbe, world: World) -> tuple[int, dict[str, str]]:
    """Another tenant's id for the filter, and the filters that go with it (``source_type``).

    A plain column of ids beside a type column (``source_type`` + ``source_id``) names a row by
    ``app_label.model``: a row of a registered reservation source type.
    """
    if probe.target is not None:
        return foreign_row(probe.target, world).pk, {}
    source_type, foreign = foreign_source(world)
    return foreign, {f"{probe.name.removesuffix('_id')}_type": source_type}


def foreign_source(world: World) -> tuple[str, int]:
    """A registered source type (``app_label.model``) and the id of one of its rows in ``other``."""
    source_type = next(
        name for name in registered_source_types() if apps.get_model(name) in factories_by_model()
    )
    return source_type, make(apps.get_model(source_type), world.other).pk


@pytest.mark.postgres
@pytest.mark.parametrize("probe", FILTER_PROBES, ids=lambda probe: probe.label)
def test_filtering_by_another_tenants_id_answers_as_for_one_that_never_existed(probe, world):
    foreign, companions = foreign_filter_value(probe, world)

    answers = []
    for used_id in (foreign, NEVER_USED):
        response = world.client.get(probe.operation.path, {probe.name: used_id, **companions})
        answers.append(answer(response, used_id))

    assert answers[0][0] in (200, 400), answers[0]
    assert answers[0] == answers[1]


@dataclass(frozen=True)
class LineKeyProbe:
    operation: Operation
    field: str

    @property
    def label(self) -> str:
        return f"{self.operation.label} {self.field}"


LINE_KEY_PROBES = [
    LineKeyProbe(operation, name)
    for operation in api_operations()
    if operation.method in WRITE_METHODS and operation.model is not None
    for serializer in [operation.request_serializer()]
    if serializer is not None and hasattr(serializer, "fields")
    for name, field in serializer.fields.items()
    # Keyed by the document's own lines (other maps, such as an RMA's repairs, key other rows).
    if isinstance(field, LineQuantitiesField) and name == "lines"
]


def test_the_walk_finds_the_line_id_mappings():
    assert {probe.label for probe in LINE_KEY_PROBES} >= {
        "POST /api/v1/purchase-orders/{id}/draft-receipt/ lines",
        "POST /api/v1/sales-orders/{id}/draft-shipment/ lines",
    }


@pytest.mark.postgres
@pytest.mark.parametrize("probe", LINE_KEY_PROBES, ids=lambda probe: probe.label)
def test_another_tenants_line_as_a_key_answers_as_one_that_never_existed(probe, world):
    operation = probe.operation
    row = ready_row(operation, world)
    line_model: Any = operation.model._meta.get_field("lines").related_model
    foreign = make(line_model, world.other).pk
    url = operation.path.replace("{id}", str(row.pk))
    before = database_fingerprint()

    answers = []
    for used_id in (foreign, NEVER_USED):
        body = {probe.field: {str(used_id): "1"}}
        response = world.client.generic(
            operation.method, url, json.dumps(body), content_type="application/json"
        )
        answers.append(answer(response, used_id))

    assert answers[0][0] == 400, answers[0]
    assert probe.field in json.loads(answers[0][1])["fields"] or any(
        key.startswith(f"{probe.field}.") for key in json.loads(answers[0][1])["fields"]
    ), answers[0]
    assert answers[0] == answers[1]
    assert database_fingerprint() == before


def ready_row(operation: Operation, world: World) -> Model:
    """A home row with a line of its own, moved along its first transitions until the operation
    reads the line ids (an order must be sent before goods are received against it)."""
    model: Any = operation.model
    row = make(model, world.home)
    line_model: Any = model._meta.get_field("lines").related_model
    parent = next(
        field.name for field in line_model._meta.fields if field.is_relation and field.related_model is model
    )
    own_line = make(line_model, world.home, **{parent: row})
    url = operation.path.replace("{id}", str(row.pk))
    field = next(probe.field for probe in LINE_KEY_PROBES if probe.operation is operation)
    body = json.dumps({field: {str(own_line.pk + 10**6): "1"}})
    for _step in range(4):
        response = world.client.generic(operation.method, url, body, content_type="application/json")
        if response.status_code == 400 and field in str(response.json().get("fields", {})):
            return row
        with scope.tenant(world.home):
            row = model._default_manager.get(pk=row.pk)
            choices = available_transitions(row, world.caller)
            assert choices, f"{model._meta.label} reaches no state where {operation.label} reads {field}"
            perform_transition(row, choices[0].name, actor=world.caller)
    raise AssertionError(f"{operation.label} never reads {field}")


@dataclass(frozen=True)
class TypedReferenceProbe:
    """A pair of writable fields naming a row by type and id (``source_type`` + ``source_id``)."""

    operation: Operation
    prefix: str

    @property
    def label(self) -> str:
        return f"{self.operation.label} {self.prefix}_type + {self.prefix}_id"


def typed_reference_probes() -> Iterator[TypedReferenceProbe]:
    for operation in api_operations():
        if operation.method != "POST" or "{" in operation.path:
            continue
        serializer = operation.request_serializer()
        names = set(getattr(serializer, "fields", {}))
        for name in sorted(names):
            prefix = name.removesuffix("_id")
            if name.endswith("_id") and f"{prefix}_type" in names:
                yield TypedReferenceProbe(operation, prefix)


TYPED_REFERENCE_PROBES = list(typed_reference_probes())


def test_the_walk_finds_the_references_by_type_and_id():
    assert "POST /api/v1/reservations/ source_type + source_id" in {
        probe.label for probe in TYPED_REFERENCE_PROBES
    }


def a_valid_value(field: Any, world: World) -> Any:
    """A value the field accepts, for the fields a probe does not vary; rows are the home tenant's."""
    if isinstance(field, RelatedField) and (queryset := field.get_queryset()) is not None:
        return make(queryset.model, world.home).pk
    if isinstance(field, serializers.DecimalField | serializers.IntegerField):
        return "1"
    if isinstance(field, serializers.DateField):
        return dt.date.today().isoformat()
    if isinstance(field, serializers.ChoiceField):
        return next(iter(field.choices))
    return "x"


@pytest.mark.postgres
@pytest.mark.parametrize("probe", TYPED_REFERENCE_PROBES, ids=lambda probe: probe.label)
def test_another_tenants_row_by_type_and_id_answers_as_one_that_never_existed(probe, world):
    serializer: Any = probe.operation.request_serializer()
    body = {
        name: a_valid_value(field, world)
        for name, field in serializer.fields.items()
        if field.required and not field.read_only
    }
    source_type, foreign = foreign_source(world)
    before = database_fingerprint()

    answers = []
    for used_id in (foreign, NEVER_USED):
        sent = body | {f"{probe.prefix}_type": source_type, f"{probe.prefix}_id": used_id}
        response = world.client.post(probe.operation.path, sent, format="json")
        answers.append(answer(response, used_id))

    assert answers[0][0] == 400, answers[0]
    assert f"{probe.prefix}_id" in json.loads(answers[0][1])["fields"], answers[0]
    assert answers[0] == answers[1]
    assert database_fingerprint() == before
