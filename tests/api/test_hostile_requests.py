"""Hostile requests to every operation of the API answer 4xx in the error shape and change nothing.

Generated: the operations are those the OpenAPI generator finds in the URL configuration. Each
write (POST, PUT, PATCH) is sent, by a platform operator who administers both tenants and has
just proved a second factor (the worst case: nothing is refused for lack of authority), bodies
no client should get through:

- JSON nested 100,000 deep, a body over the size limit, malformed JSON, numbers no float or
  bigint holds (``1e400``, ``10**400``), NaN, a NUL character in a value and in a key, a list, a
  string, a number or null instead of an object, a form with a NUL character;
- for each writable field of the operation's request serializer and of its nested lines: odd
  digits (``²``, 25 Arabic-Indic ones), a wrong type (an object, a list), another tenant's row where the
  field refers to one, and for a mapping of line ids an odd-digit key and another tenant's line.

Each must be answered 4xx in the error shape with no row of any table changed. An operation that
documents no body is sent the same and must not answer 5xx (it may ignore the body). A row an
operation acts on (``{id}``) is made by its factory; without one, the id names no row (404).
Separately, a service token holding every scope an administrator may grant calls every
operation of the API and gets no 5xx.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Model
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.test import APIClient

from nexus.accounts.models import User
from nexus.accounts.service_tokens import create_service_token, grantable_scopes
from nexus.core.api.fields import LineQuantitiesField
from nexus.core.validators import is_tenant_scoped
from nexus.tenancy.models import Membership, Role
from tests.factories.people import MembershipFactory
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

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NO_ROW = 2**31 - 1
ODD_DIGITS = ("²", "\u0661" * 25)  # int("²") fails; 25 Arabic-Indic ones make a number past bigint


@dataclass(frozen=True)
class Probe:
    label: str
    body: str
    content_type: str = "application/json"


def raw(label: str, text: str) -> Probe:
    return Probe(label, text)


def as_json(label: str, data: Any) -> Probe:
    return Probe(label, json.dumps(data))


STRUCTURAL = [
    raw("100,000 nested arrays", "[" * 100_000),
    raw("50,000 nested objects", '{"a":' * 50_000 + "1" + "}" * 50_000),
    raw("a body over the size limit", json.dumps({"x": "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})),
    raw("malformed JSON", '{"reason": '),
    raw("1e400", '{"quantity": 1e400}'),
    raw("10**400", '{"id": 1' + "0" * 400 + "}"),
    raw("NaN", '{"quantity": NaN}'),
    raw("a NUL character in a value", '{"reason": "a\\u0000b"}'),
    raw("a NUL character in a key", '{"a\\u0000b": "x"}'),
    as_json("a list", [{"id": 1}]),
    as_json("a string", "²"),
    as_json("a number", 7),
    as_json("null", None),
    Probe("a form with a NUL character", "reason=a%00b", "application/x-www-form-urlencoded"),
]

TEXT_FIELDS = (
    serializers.CharField,
    serializers.JSONField,
    serializers.ReadOnlyField,
    serializers.HiddenField,
)


def hostile_values(field: Any) -> Iterator[tuple[str, Any]]:
    """Values the field must refuse, each with a label."""
    if isinstance(field, (serializers.ListSerializer, serializers.ListField, ManyRelatedField)):
        yield "not a list", "²"
        child = field.child if not isinstance(field, ManyRelatedField) else field.child_relation
        for label, value in hostile_values(child):
            yield f"[{label}]", [value]
    elif isinstance(field, serializers.Serializer):
        yield "not an object", "²"
        for name, inner in writable_fields(field):
            for label, value in hostile_values(inner):
                yield f"{name}: {label}", {name: value}
    elif isinstance(field, serializers.DictField):
        yield "not an object", "²"
        for label, value in hostile_values(field.child):
            yield f"{{1: {label}}}", {"1": value}
        if isinstance(field, LineQuantitiesField):
            for digits in ODD_DIGITS:
                yield f"key {digits[:3]}", {digits: "1"}
    elif isinstance(field, serializers.JSONField):
        return  # any JSON is valid here; the structural probes cover it
    elif isinstance(field, serializers.CharField):
        yield "an object", {"a": 1}
        yield "a list", ["a"]
    else:  # numbers, dates, choices, booleans, references
        for digits in ODD_DIGITS:
            yield digits[:3], digits
        yield "an object", {"a": 1}
        yield "a list", [1]


def writable_fields(serializer: Any) -> Iterator[tuple[str, Any]]:
    for name, field in serializer.fields.items():
        if not field.read_only and not isinstance(field, serializers.HiddenField):
            yield name, field


def field_probes(serializer: Any) -> Iterator[Probe]:
    for name, field in writable_fields(serializer):
        for label, value in hostile_values(field):
            yield as_json(f"{name}: {label}", {name: value})


@pytest.fixture
def world() -> World:
    return administrator_of_two_tenants(platform_operator=True)


def row_id(operation: Operation, world: World) -> int:
    """The id of a row for the operation's ``{id}``, in the home tenant."""
    model = operation.model
    if model is Membership:
        return MembershipFactory.create(tenant=world.home, role=Role.VIEWER).pk
    if model is User:
        return MembershipFactory.create(tenant=world.home, role=Role.VIEWER).user_id
    if model is None or model not in factories_by_model() or not is_tenant_scoped(model):
        return NO_ROW
    return make(model, world.home).pk


def foreign_probes(operation: Operation, serializer: Any, world: World) -> Iterator[Probe]:
    """Each reference of the request serializer (and of its nested lines) to another tenant's row."""
    for name, field in writable_fields(serializer):
        many = isinstance(field, (serializers.ListSerializer, ManyRelatedField))
        if isinstance(field, serializers.ListSerializer):
            for inner, line_target in _references(field.child):
                foreign = make(line_target, world.other).pk
                yield as_json(f"{name}.{inner}: another tenant's", {name: [{inner: foreign}]})
            continue
        relation: Any = field.child_relation if isinstance(field, ManyRelatedField) else field
        if isinstance(relation, RelatedField) and (target := _tenant_target(relation)) is not None:
            foreign = make(target, world.other).pk
            yield as_json(f"{name}: another tenant's", {name: [foreign] if many else foreign})
        if isinstance(field, LineQuantitiesField) and operation.model is not None:
            line_model: Any = operation.model._meta.get_field("lines").related_model
            foreign = make(line_model, world.other).pk
            yield as_json(f"{name}: another tenant's line", {name: {str(foreign): "1"}})


def _references(serializer: Any) -> Iterator[tuple[str, type[Model]]]:
    for name, field in writable_fields(serializer):
        if isinstance(field, RelatedField) and (target := _tenant_target(field)) is not None:
            yield name, target


def _tenant_target(field: RelatedField) -> type[Model] | None:
    queryset = field.get_queryset() if field.queryset is not None else None
    if queryset is None or not is_tenant_scoped(queryset.model) or queryset.model not in factories_by_model():
        return None
    return queryset.model


def send(client: APIClient, method: str, url: str, probe: Probe) -> Any:
    return client.generic(method, url, probe.body, content_type=probe.content_type)


def assert_error_shape(response: Any, label: str) -> None:
    body = response.json()
    assert {"code", "detail"} <= set(body) <= {"code", "detail", "fields"}, (label, body)
    assert isinstance(body["code"], str), (label, body)
    assert isinstance(body["detail"], str), (label, body)
    for messages in body.get("fields", {}).values():
        assert all(isinstance(message, str) for message in messages), (label, body)


WRITES = [operation for operation in api_operations() if operation.method in WRITE_METHODS]


def test_the_walk_finds_the_write_operations():
    labels = {operation.label for operation in WRITES}

    assert len(WRITES) >= 100
    assert {
        "POST /api/v1/purchase-orders/{id}/draft-receipt/",
        "POST /api/v1/sales-orders/{id}/draft-shipment/",
        "PATCH /api/v1/purchase-orders/{id}/",
        "POST /api/v1/auth/login/",
        "POST /api/v1/notifications/read-all/",
    } <= labels


@pytest.mark.parametrize("operation", WRITES, ids=lambda operation: operation.label)
def test_hostile_bodies_are_refused_in_the_error_shape_and_change_nothing(operation, world):
    url = operation.path.replace("{id}", str(row_id(operation, world)))
    serializer = operation.request_serializer()
    probes = list(STRUCTURAL)
    if serializer is not None:
        probes += [*field_probes(serializer), *foreign_probes(operation, serializer, world)]
    before = database_fingerprint()

    for probe in probes:
        response = send(world.client, operation.method, url, probe)

        if serializer is None:  # a body it never reads: anything but a server error
            assert response.status_code < 500, (probe.label, response.status_code)
            if response.status_code >= 400:
                assert_error_shape(response, probe.label)
            continue
        assert 400 <= response.status_code < 500, (probe.label, response.status_code, response.content[:300])
        assert_error_shape(response, probe.label)
        assert database_fingerprint() == before, f"{probe.label} changed the database"


ALL_OPERATIONS = [operation for operation in api_operations() if operation.method != "OPTIONS"]


@pytest.mark.parametrize("operation", ALL_OPERATIONS, ids=lambda operation: operation.label)
def test_a_service_token_gets_no_server_error_anywhere(operation, world):
    created = create_service_token(
        creator=world.caller,
        tenant_id=world.home.pk,
        name="Everything",
        scopes=sorted(grantable_scopes(world.caller, world.home.pk)),
        expires_at=None,
    )
    client = APIClient(HTTP_AUTHORIZATION=f"Token {created.key}", HTTP_X_TENANT=world.home.slug)
    url = operation.path.replace("{id}", str(row_id(operation, world)))

    response = client.generic(operation.method, url, "{}", content_type="application/json")

    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert_error_shape(response, operation.label)
