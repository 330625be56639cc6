"""``Idempotency-Key`` on every POST: a retry gets the first answer, never a second operation."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import AuditEvent, IdempotencyRecord, TransitionLog
from nexus.procurement.models import GoodsReceipt, PurchaseOrder
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory, UserFactory
from tests.kernel_example.models import Gadget, GadgetKind, GadgetStatus
from tests.nexus.procurement.conftest import make_site, member
from tests.nexus.procurement.helpers import TenantAPIClient, sent_order

from .conftest import GADGETS, KINDS, as_tenant

pytestmark = pytest.mark.django_db

REPLAYED = "Idempotent-Replayed"


def keyed(key: str) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": key}


def order_body(site: Any, quantity: str = "10") -> dict[str, Any]:
    return {
        "vendor": site.vendor.pk,
        "warehouse": site.warehouse.pk,
        "lines": [
            {
                "product": site.bolt.pk,
                "quantity": quantity,
                "unit_price": "4.25",
                "expected_date": "2026-05-05",
            }
        ],
    }


@pytest.fixture
def site():
    """The procurement site, its tenant selected for the test (and left when it ends)."""
    made = make_site()
    with scope.tenant(made.tenant):
        yield made


@pytest.fixture
def buyer(site):
    return member(site.tenant, Role.PURCHASER, "buyer@acme.example")


@pytest.fixture
def buyer_api(site, buyer) -> TenantAPIClient:
    return TenantAPIClient(buyer, site.tenant)


@pytest.fixture
def bo(acme, globex):
    """Admin in both Acme and Globex."""
    user = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    MembershipFactory.create(user=user, tenant=globex, role=Role.ADMIN)
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def kinds_in(tenant) -> list[str]:
    with scope.tenant(tenant):
        return list(GadgetKind.objects.order_by("id").values_list("name", flat=True))


# Creates


def test_a_create_sent_twice_with_one_key_creates_one_order_and_answers_the_same_twice(buyer_api, site):
    first = buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json", **keyed("po-1"))
    again = buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json", **keyed("po-1"))

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert REPLAYED not in first
    assert again[REPLAYED] == "true"
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert PurchaseOrder.objects.count() == 1
    assert AuditEvent.objects.filter(action="procurement.purchaseorder.created").count() == 1


def test_the_same_key_with_another_body_is_a_conflict_and_creates_nothing(buyer_api, site):
    buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json", **keyed("po-1"))
    audited = AuditEvent.objects.count()

    refused = buyer_api.post(
        "/api/v1/purchase-orders/", order_body(site, quantity="11"), format="json", **keyed("po-1")
    )

    assert refused.status_code == 409
    assert refused.json() == {
        "code": "idempotency_mismatch",
        "detail": "This idempotency key was already used with a different request on this route; "
        "use a new key for a new request.",
    }
    assert PurchaseOrder.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_without_a_key_every_post_creates(buyer_api, site):
    for _ in range(2):
        assert buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json").status_code == 201

    assert PurchaseOrder.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_an_invalid_request_answer_is_kept_and_replayed_too(buyer_api, site):
    body = {**order_body(site), "warehouse": None}

    first = buyer_api.post("/api/v1/purchase-orders/", body, format="json", **keyed("po-bad"))
    again = buyer_api.post("/api/v1/purchase-orders/", body, format="json", **keyed("po-bad"))

    assert (first.status_code, again.status_code) == (400, 400)
    assert again.content == first.content
    assert again[REPLAYED] == "true"
    assert not PurchaseOrder.objects.exists()


# Scope: tenant, caller, route


def test_one_key_in_two_tenants_makes_two_independent_requests(bo, acme, globex):
    client = client_for(bo)

    in_acme = client.post(KINDS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("acme"))  # type: ignore[arg-type]
    in_globex = client.post(KINDS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("globex"))  # type: ignore[arg-type]

    assert (in_acme.status_code, in_globex.status_code) == (201, 201)
    assert REPLAYED not in in_globex
    assert kinds_in(acme) == ["Widgets"]
    assert kinds_in(globex) == ["Widgets"]


def test_one_key_of_two_people_makes_two_independent_requests(ana, bo, acme):
    first = client_for(ana).post(KINDS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("acme"))  # type: ignore[arg-type]
    second = client_for(bo).post(KINDS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("acme"))  # type: ignore[arg-type]

    assert (first.status_code, second.status_code) == (201, 201)
    assert REPLAYED not in second
    assert kinds_in(acme) == ["Widgets", "Widgets"]


def test_one_key_on_two_routes_makes_two_independent_requests(api, acme):
    kind = api.post(KINDS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("acme"))
    gadget = api.post(GADGETS, {"name": "Widgets"}, format="json", **keyed("k"), **as_tenant("acme"))

    assert (kind.status_code, gadget.status_code) == (201, 201)
    with scope.tenant(acme):
        assert (GadgetKind.objects.count(), Gadget.objects.count()) == (1, 1)


def test_one_key_on_the_same_action_of_two_rows_makes_two_independent_requests(api, acme):
    with scope.tenant(acme):
        one, two = GadgetFactory.create_batch(2)

    answers = [
        api.post(f"{GADGETS}{gadget.pk}/archive/", {}, format="json", **keyed("k"), **as_tenant("acme"))
        for gadget in (one, two)
    ]

    assert [answer.status_code for answer in answers] == [200, 200]
    with scope.tenant(acme):
        assert set(Gadget.objects.values_list("status", flat=True)) == {GadgetStatus.ARCHIVED}


# Transitions and other POST actions


def test_a_transition_sent_twice_with_a_header_key_runs_once_and_replays(api, acme):
    with scope.tenant(acme):
        gadget = GadgetFactory.create(quantity=5)
    url = f"{GADGETS}{gadget.pk}/archive/"

    first = api.post(url, {"note": "old"}, format="json", **keyed("arch-1"), **as_tenant("acme"))
    again = api.post(url, {"note": "old"}, format="json", **keyed("arch-1"), **as_tenant("acme"))

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["status"] == "archived"
    assert again.content == first.content
    assert again[REPLAYED] == "true"
    with scope.tenant(acme):
        assert TransitionLog.objects.filter(transition="archive").count() == 1


def test_the_body_field_is_an_alias_of_the_header(api, acme):
    with scope.tenant(acme):
        gadget = GadgetFactory.create(quantity=5)
    url = f"{GADGETS}{gadget.pk}/archive/"

    first = api.post(url, {"idempotency_key": "arch-1"}, format="json", **as_tenant("acme"))
    again = api.post(url, {"idempotency_key": "arch-1"}, format="json", **as_tenant("acme"))
    other = api.post(url, {"idempotency_key": "arch-1", "note": "x"}, format="json", **as_tenant("acme"))

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert again[REPLAYED] == "true"
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_mismatch")
    with scope.tenant(acme):
        log = TransitionLog.objects.get()
    assert (log.transition, log.idempotency_key) == ("archive", "arch-1")


def test_a_header_and_a_body_key_that_differ_are_refused(api, acme):
    with scope.tenant(acme):
        gadget = GadgetFactory.create(quantity=5)

    refused = api.post(
        f"{GADGETS}{gadget.pk}/archive/",
        {"idempotency_key": "a"},
        format="json",
        **keyed("b"),
        **as_tenant("acme"),
    )

    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        "idempotency_key": [
            "The Idempotency-Key header and the body's idempotency_key differ; send the key once."
        ]
    }
    with scope.tenant(acme):
        assert Gadget.objects.get(pk=gadget.pk).status == GadgetStatus.DRAFT
        assert not TransitionLog.objects.exists()


def test_drafting_a_receipt_twice_with_one_key_drafts_one(site, buyer):
    clerk = member(site.tenant, Role.WAREHOUSE_CLERK, "clerk@acme.example")
    with scope.tenant(site.tenant):
        order = sent_order(site, buyer, (site.bolt, "10", "2"))
    api = TenantAPIClient(clerk, site.tenant)
    url = f"/api/v1/purchase-orders/{order.pk}/draft-receipt/"

    first = api.post(url, {}, format="json", **keyed("rcpt-1"))  # type: ignore[arg-type]
    again = api.post(url, {}, format="json", **keyed("rcpt-1"))  # type: ignore[arg-type]

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert GoodsReceipt.objects.count() == 1


# The key itself


@pytest.mark.parametrize(
    ("key", "why"),
    [("k" * 129, "too long"), ("", "empty"), ("clé", "not ASCII"), ("a\tb", "a control character")],
)
def test_a_malformed_key_is_a_clear_bad_request_and_changes_nothing(api, acme, key, why):
    refused = api.post(KINDS, {"name": "Widgets"}, format="json", **keyed(key), **as_tenant("acme"))

    assert refused.status_code == 400, why
    assert refused.json() == {
        "code": "invalid",
        "detail": "The idempotency key is not valid: Use 1 to 128 printable ASCII characters "
        "(a UUID is a good key).",
        "fields": {"Idempotency-Key": ["Use 1 to 128 printable ASCII characters (a UUID is a good key)."]},
    }
    assert kinds_in(acme) == []
    with scope.tenant(acme):
        assert not IdempotencyRecord.objects.exists()


def test_a_key_is_kept_for_its_tenant_caller_and_route(api, ana, acme):
    api.post(KINDS, {"name": "Widgets"}, format="json", **keyed("k-1"), **as_tenant("acme"))

    with scope.tenant(acme):
        record = IdempotencyRecord.objects.get()
    assert (record.tenant_id, record.actor_kind, record.actor_id, record.key, record.method) == (
        acme.pk,
        "user",
        str(ana.pk),
        "k-1",
        "POST",
    )
    assert record.route == "api/v1/example/gadget-kinds/$ {}"
    assert record.status_code == 201


# The schema


# POST operations that ignore the header: anonymous ones (no caller to scope a key to) and
# those whose answer holds a secret shown once (never stored).
WITHOUT_KEY = {
    "/api/v1/auth/login/",
    "/api/v1/auth/mfa/verify/",
    "/api/v1/auth/signup/",
    "/api/v1/auth/verify-email/",
    "/api/v1/auth/verify-email/resend/",
    "/api/v1/auth/password-reset/",
    "/api/v1/auth/password-reset/confirm/",
    "/api/v1/invitations/accept/",
    "/api/v1/auth/refresh/",
    "/api/v1/auth/tokens/",
    "/api/v1/auth/mfa/recovery-codes/",
    "/api/v1/auth/mfa/totp/",
    "/api/v1/auth/mfa/totp/{id}/confirm/",
}


def test_the_schema_documents_the_header_on_every_post_and_only_there():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    with_key, without_key = set(), set()  # type: ignore[var-annotated]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if method != "post":
                assert "Idempotency-Key" not in headers, (method, path)
                continue
            (with_key if "Idempotency-Key" in headers else without_key).add(path)

    assert without_key == WITHOUT_KEY
    assert {
        "/api/v1/purchase-orders/",
        "/api/v1/purchase-orders/{id}/send/",
        "/api/v1/purchase-orders/{id}/draft-receipt/",
        "/api/v1/sales-orders/{id}/draft-shipment/",
        "/api/v1/members/{id}/change-role/",
    } <= with_key
    parameter = next(
        p
        for p in schema["paths"]["/api/v1/purchase-orders/"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )
    assert parameter.get("required", False) is False
    assert "idempotency_mismatch" in parameter["description"]


def test_a_post_outside_any_tenant_honours_the_key_too(ana):
    client = client_for(ana)

    first = client.post("/api/v1/notifications/read-all/", **keyed("read-1"))  # type: ignore[arg-type]
    again = client.post("/api/v1/notifications/read-all/", **keyed("read-1"))  # type: ignore[arg-type]

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content
    assert again[REPLAYED] == "true"


def test_a_key_past_its_lifetime_runs_the_request_afresh(buyer_api, site):
    buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json", **keyed("po-1"))
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = buyer_api.post("/api/v1/purchase-orders/", order_body(site), format="json", **keyed("po-1"))

    assert again.status_code == 201
    assert REPLAYED not in again
    assert PurchaseOrder.objects.count() == 2
