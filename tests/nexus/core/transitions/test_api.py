"""Transitions over the API: POST /api/v1/<resource>/<id>/<transition>/ on the example gadgets."""

from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models import TransitionLog
from nexus.tenancy.models import Role
from tests.factories.kernel_example import GadgetFactory
from tests.kernel_example.models import Gadget, GadgetNote, GadgetStatus

from .conftest import member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.kernel_example.urls")]

ALL_FROM_DRAFT = [
    {"name": "approve", "label": "Approve", "requires_reason": False},
    {"name": "reject", "label": "Reject", "requires_reason": True},
    {"name": "archive", "label": "Archive", "requires_reason": False},
]
ARCHIVE_ONLY = [{"name": "archive", "label": "Archive", "requires_reason": False}]


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_X_TENANT="acme")
    return client


@pytest.fixture
def api(admin_user) -> APIClient:
    return api_as(admin_user)


def url(gadget: Gadget, transition: str = "") -> str:
    return f"/api/v1/example/gadgets/{gadget.pk}/" + (f"{transition}/" if transition else "")


def unchanged(tenant, gadget: Gadget, status: str = GadgetStatus.DRAFT) -> bool:
    with scope.tenant(tenant):
        return Gadget.objects.get(pk=gadget.pk).status == status and not TransitionLog.objects.exists()


@pytest.mark.smoke
def test_a_transition_answers_with_the_updated_resource(api, gadget, tenant):
    response = api.post(url(gadget, "approve"), {"reason": "checked"})

    assert response.status_code == 200
    assert response.json() == {
        "id": gadget.pk,
        "name": "Widget",
        "kind": None,
        "kind_name": None,
        "quantity": "5.000",
        "status": "approved",
        "available_transitions": ARCHIVE_ONLY,
    }
    assert REPLAYED not in response
    with scope.tenant(tenant):
        log = TransitionLog.objects.get()
    assert (log.transition, log.reason, log.to_state) == ("approve", "checked", "approved")


REPLAYED = "Idempotent-Replayed"


def test_the_resource_lists_its_available_transitions_and_keeps_the_state_read_only(api, gadget, tenant):
    assert api.get(url(gadget)).json()["available_transitions"] == ALL_FROM_DRAFT

    response = api.patch(url(gadget), {"status": "archived", "name": "Renamed"})

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert unchanged(tenant, gadget)


def test_someone_who_may_not_change_gadgets_sees_no_available_transitions(tenant, gadget):
    viewer = member(tenant, Role.VIEWER, "viewer@acme.example")

    assert api_as(viewer).get(url(gadget)).json()["available_transitions"] == []


def test_an_unavailable_transition_is_a_409_with_the_reason(api, empty_gadget, tenant):
    response = api.post(url(empty_gadget, "approve"))

    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_not_allowed",
        "detail": "cannot approve: gadget has no quantity",
    }
    assert unchanged(tenant, empty_gadget)


def test_a_wrong_state_is_a_409_naming_the_state(api, gadget):
    api.post(url(gadget, "archive"))

    response = api.post(url(gadget, "approve"))

    assert (response.status_code, response.json()["detail"]) == (
        409,
        "cannot approve: the gadget is archived",
    )


def test_a_missing_reason_is_a_400_on_the_reason_field(api, gadget, tenant):
    response = api.post(url(gadget, "reject"), {"reason": ""})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {"reason": ["A reason is required to reject."]}
    assert unchanged(tenant, gadget)

    done = api.post(url(gadget, "reject"), {"reason": "wrong colour"})
    assert (done.status_code, done.json()["status"]) == (200, "rejected")


def test_a_person_without_the_transitions_permission_gets_403_and_nothing_changes(clerk, gadget, tenant):
    response = api_as(clerk).post(url(gadget, "approve"))

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "You are not allowed to approve this gadget.",
    }
    assert unchanged(tenant, gadget)
    assert api_as(clerk).get(url(gadget)).json()["available_transitions"] == [
        {"name": "reject", "label": "Reject", "requires_reason": True},
        {"name": "archive", "label": "Archive", "requires_reason": False},
    ]


def test_someone_who_may_only_view_gets_403(tenant, gadget):
    viewer = member(tenant, Role.VIEWER, "viewer@acme.example")

    response = api_as(viewer).post(url(gadget, "archive"))

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert unchanged(tenant, gadget)


def test_another_tenants_gadget_is_not_found(api, other_tenant):
    with scope.tenant(other_tenant):
        theirs = GadgetFactory.create(quantity=Decimal("1"))

    response = api.post(url(theirs, "approve"))

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert unchanged(other_tenant, theirs)


def test_an_idempotent_retry_answers_the_same_and_a_mismatch_is_409(api, gadget, tenant):
    body = {"reason": "late", "idempotency_key": "retry-me"}
    first = api.post(url(gadget, "reject"), body)
    again = api.post(url(gadget, "reject"), body)
    mismatch = api.post(url(gadget, "reject"), {**body, "reason": "early"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert again[REPLAYED] == "true"
    assert mismatch.status_code == 409
    assert mismatch.json()["code"] == "idempotency_mismatch"
    with scope.tenant(tenant):
        assert TransitionLog.objects.count() == 1


def test_a_transitions_own_input_reaches_its_declared_writes(api, gadget, tenant):
    response = api.post(url(gadget, "archive"), {"note": "moved to the museum"})

    assert (response.status_code, response.json()["status"], response.json()["quantity"]) == (
        200,
        "archived",
        "0.000",
    )
    with scope.tenant(tenant):
        assert list(GadgetNote.objects.values_list("gadget_id", "text")) == [
            (gadget.pk, "moved to the museum")
        ]


def test_invalid_transition_input_is_a_400_and_changes_nothing(api, gadget, tenant):
    response = api.post(url(gadget, "archive"), {"note": "x" * 501})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["note"]
    assert unchanged(tenant, gadget)
    with scope.tenant(tenant):
        assert not GadgetNote.objects.exists()


def test_the_anonymous_are_refused(gadget, tenant):
    response = APIClient().post(url(gadget, "archive"), HTTP_X_TENANT="acme")

    assert response.status_code in (401, 403)
    assert unchanged(tenant, gadget)


def test_each_transition_is_documented_in_the_schema_with_its_body():
    schema = SchemaGenerator(urlconf="tests.kernel_example.urls").get_schema(request=None, public=True)

    for name in ("approve", "reject", "archive"):
        operation = schema["paths"][f"/api/v1/example/gadgets/{{id}}/{name}/"]["post"]
        assert operation["operationId"] == f"gadget_{name}"
        assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "409", "415", "429", "503"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Gadget"
        }
    bodies = {
        name: schema["paths"][f"/api/v1/example/gadgets/{{id}}/{name}/"]["post"]["requestBody"]
        for name in ("approve", "reject", "archive")
    }
    assert bodies["reject"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/GadgetRejectInput"
    }
    assert bodies["reject"]["required"] is True
    components = schema["components"]["schemas"]
    assert components["GadgetRejectInput"]["required"] == ["reason"]
    assert set(components["GadgetArchiveInput"]["properties"]) == {"reason", "idempotency_key", "note"}
    assert components["Gadget"]["properties"]["status"]["readOnly"] is True
    assert components["Gadget"]["properties"]["available_transitions"]["readOnly"] is True


def test_listing_with_available_transitions_costs_the_same_queries_for_any_page_size(api, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_list() -> int:
        api.get("/api/v1/example/gadgets/")  # warm the per-request caches of the first call alike
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/example/gadgets/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    with scope.tenant(tenant):
        GadgetFactory.create_batch(2, quantity=Decimal("1"))
    few = queries_for_list()
    with scope.tenant(tenant):
        GadgetFactory.create_batch(10, quantity=Decimal("1"))
    many = queries_for_list()

    assert many == few
