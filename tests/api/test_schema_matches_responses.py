"""What the API answers matches what its OpenAPI schema says, nulls included (generated).

The test makes one row of every model that has a factory (factories leave optional references
empty, as a row made by the system has them), plus the rows whose optional parts are empty only
in life: a notification about no tenant and a requisition whose requester's account is gone.
Then it reads every list and every retrieve operation of the API as a platform operator who
administers the tenant, and validates each 200 answer against the schema of that operation (an
OpenAPI ``nullable`` is a JSON-schema union with ``null``).
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from nexus.accounts.client import ClientInfo
from nexus.accounts.login import Via
from nexus.accounts.login_flow import finish_login
from nexus.accounts.mfa.policy import login_policy
from nexus.accounts.models import User
from nexus.accounts.service_tokens import create_service_token
from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.core.transitions import perform_transition
from nexus.core.validators import is_tenant_scoped
from nexus.inventory.models import Location
from nexus.inventory.services import ReservationRequest, SourceRef, reserve
from nexus.notifications.models import Channel, Notification, NotificationStatus
from nexus.procurement.models import PurchaseOrder, PurchaseOrderLine, Requisition
from nexus.procurement.services import draft_receipt, post_receipt
from nexus.sales.models import SalesOrderLine
from nexus.tenancy.models import Role, Tenant
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.api_walk import api_operations, factories_by_model, make

pytestmark = pytest.mark.django_db


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema object as JSON schema: ``nullable: true`` becomes a union with null."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return generated


def validator_for(schema: dict[str, Any], path: str, method: str) -> Draft202012Validator:
    answer = schema["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]
    root = {**json_schema(answer["schema"]), "components": json_schema(schema["components"])}
    # Formats are checked: the schema tells a blank address from a real one only by its format.
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


@dataclass
class Caller:
    client: APIClient
    ids: dict[str, int]  # the row to read at a path whose list cannot be read


@pytest.fixture
def caller(run_on_commit) -> Iterator[Caller]:
    cache.clear()  # the sign-up limit counts in the cache, which outlives a test
    tenant = TenantFactory.create(slug="home", policies={"self_signup": True})
    user = UserFactory.create(is_platform_operator=True)
    MembershipFactory.create(user=user, tenant=tenant, role=Role.ADMIN)
    for model in factories_by_model():
        if is_tenant_scoped(model):
            make(model, tenant)
    Notification.objects.create(
        recipient=user,
        channel=Channel.IN_APP,
        status=NotificationStatus.DELIVERED,
        template="accounts/login_from_new_device",
        subject="A new login",
        body="Someone logged in.",
    )
    login = finish_login(None, user, login_policy(user), ClientInfo(), via=Via.TOKEN, mfa_used=True)
    with scope.tenant(tenant):
        Requisition.objects.update(requested_by=None)
        create_service_token(
            creator=user, tenant_id=tenant.pk, name="Sync", scopes=["inventory.view_product"], expires_at=None
        )
        _post_stock(tenant, user)
    assert login.token is not None
    client = APIClient(HTTP_AUTHORIZATION=f"Token {login.token.key}", HTTP_X_TENANT=tenant.slug)
    with run_on_commit():
        invited = client.post(
            "/api/v1/invitations/", {"email": "new@example.com", "role": Role.VIEWER}, format="json"
        )
        signed_up = APIClient().post(
            "/api/v1/auth/signup/",
            {"tenant": tenant.slug, "email": "sam@example.com", "password": "a-long-enough-password-1"},
            format="json",
        )
    enrolling = client.post("/api/v1/auth/mfa/totp/", {"name": "Phone"}, format="json")
    assert (invited.status_code, signed_up.status_code, enrolling.status_code) == (201, 202, 201)
    yield Caller(client, {"/api/v1/auth/mfa/totp/": enrolling.json()["enrolment_id"]})
    cache.clear()


def _post_stock(tenant: Tenant, user: User) -> None:
    """A sent order received into stock and part of it reserved: moves, balances, layers, audit."""
    order = make(PurchaseOrder, tenant)
    make(Location, tenant, warehouse=order.warehouse)
    make(PurchaseOrderLine, tenant, order=order, quantity=Decimal(5))
    perform_transition(order, "send", actor=user)
    post_receipt(draft_receipt(order), actor=user)
    line = order.lines.get()
    demand = make(SalesOrderLine, tenant, product=line.product)
    reserve(
        ReservationRequest(
            product_id=line.product_id,
            warehouse_id=order.warehouse_id,
            quantity=Decimal(2),
            required_date=dt.date(2026, 6, 1),
            source=SourceRef("sales.salesorderline", demand.pk),
        ),
        actor=ActorRef.for_user(user),
    )


READS = [operation for operation in api_operations() if operation.method == "GET"]

# Queries that answer only with parameters: what to ask them, given the caller's client.
QUERIES: dict[str, Callable[[APIClient], dict[str, str]]] = {
    "/api/v1/atp/": lambda client: {
        "product": str(client.get("/api/v1/products/").json()["results"][0]["id"]),
        "quantity": "1",
        "buckets": "true",
    },
}


@pytest.mark.parametrize(
    ("path", "component", "field"),
    [
        ("/api/v1/notifications/", "Notification", "tenant"),
        ("/api/v1/requisitions/", "Requisition", "requested_by"),
    ],
)
def test_a_field_answered_null_is_nullable_in_the_schema(caller, schema, path, component, field):
    rows = caller.client.get(path).json()["results"]

    assert rows
    assert [row[field] for row in rows] == [None] * len(rows)
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


@pytest.mark.parametrize("operation", READS, ids=lambda operation: operation.label)
def test_every_answer_matches_its_schema(operation, caller, schema):
    client = caller.client
    url = operation.path
    if "{id}" in operation.path:
        list_url = operation.path[: operation.path.index("{id}")]
        row_id = caller.ids.get(list_url)
        if row_id is None:
            listed: Any = client.get(list_url).json()
            rows = listed["results"] if isinstance(listed, dict) else listed
            row_id = rows[0]["id"]
        url = operation.path.replace("{id}", str(row_id))
    response = client.get(url, QUERIES[operation.path](client) if operation.path in QUERIES else None)

    assert response.status_code == 200, response.content[:300]
    documented = schema["paths"][operation.path]["get"]["responses"]["200"].get("content", {})
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in documented, f"answers {media_type}; the schema says {sorted(documented)}"
    if media_type != "application/json":
        return
    errors = sorted(validator_for(schema, operation.path, "GET").iter_errors(response.json()), key=str)
    assert not errors, [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]
