"""``/api/v1/audit-events/``: read-only, tenant-scoped, filterable, paginated, with the seal lag."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.audit import record_event
from nexus.core.audit.sealer import seal_chains
from nexus.core.models import ActorKind, ActorRef, AuditEvent, ObjectRef
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-events/"
ANN = ActorRef(ActorKind.USER, "11", "ann@example.com")
WIDGET = ObjectRef("kernel_example.gadget", "7", "Widget")


@pytest.fixture
def events(acme, globex):
    with scope.tenant(acme):
        approved = record_event("gadget.approved", actor=ANN, obj=WIDGET, data={"reason": "ok"})
        record_event("gadget.renamed", actor=ActorRef.system("import"), obj=WIDGET)
        record_event("kind.created", actor=ANN, personal={"ip": "192.0.2.1"})
    with scope.tenant(globex):
        record_event("gadget.approved", actor=ANN)
    seal_chains()
    with scope.tenant(acme):
        record_event("gadget.archived", actor=ANN)  # not sealed yet
    return approved


def client_for(user, tenant_slug: str = "acme") -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_X_TENANT=tenant_slug)
    return client


def _actions(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["action"] for row in response.json()["results"]]


@pytest.mark.smoke
def test_the_list_shows_the_tenants_events_newest_first(acme, acme_admin, events):
    response = client_for(acme_admin).get(URL)

    assert _actions(response) == ["gadget.archived", "kind.created", "gadget.renamed", "gadget.approved"]
    body = response.json()
    assert body["count"] == 4
    oldest = body["results"][-1]
    assert oldest == {
        "id": events.pk,
        "occurred_at": oldest["occurred_at"],
        "action": "gadget.approved",
        "actor": {"kind": "user", "id": "11", "label": "ann@example.com"},
        "object": {"type": "kernel_example.gadget", "id": "7", "label": "Widget"},
        "data": {"reason": "ok"},
        "personal": None,
        "request_id": "",
        "sealed": True,
        "sequence": 1,
        "prev_hash": "0" * 64,
        "hash": oldest["hash"],
        "sealed_at": oldest["sealed_at"],
    }
    assert len(oldest["hash"]) == 64
    assert body["results"][0]["object"] is None


def test_filters(acme, acme_admin, events):
    api = client_for(acme_admin)
    assert _actions(api.get(URL, {"action": "gadget.approved"})) == ["gadget.approved"]
    assert _actions(api.get(URL, {"action_prefix": "gadget."})) == [
        "gadget.archived",
        "gadget.renamed",
        "gadget.approved",
    ]
    assert _actions(api.get(URL, {"actor_kind": "system"})) == ["gadget.renamed"]
    assert _actions(
        api.get(URL, {"actor_id": "11", "object_type": "kernel_example.gadget", "object_id": "7"})
    ) == ["gadget.approved"]
    assert _actions(api.get(URL, {"sealed": "false"})) == ["gadget.archived"]
    assert _actions(api.get(URL, {"ordering": "sequence", "sealed": "true"})) == [
        "gadget.approved",
        "gadget.renamed",
        "kind.created",
    ]
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    assert _actions(api.get(URL, {"occurred_after": later})) == []
    assert len(_actions(api.get(URL, {"occurred_before": later}))) == 4


def test_pages(acme, acme_admin, events):
    body = client_for(acme_admin).get(URL, {"page_size": 3}).json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (4, 3, True)


def test_another_tenants_event_is_not_found(acme, globex, acme_admin, events):
    with scope.tenant(globex):
        theirs = AuditEvent.objects.get()
    response = client_for(acme_admin).get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404


def test_the_detail_and_the_seal_lag(acme, acme_admin, events):
    api = client_for(acme_admin)
    assert api.get(f"{URL}{events.pk}/").json()["action"] == "gadget.approved"

    lag = api.get(f"{URL}seal-lag/").json()
    assert lag["unsealed"] == 1
    assert lag["lag_seconds"] >= 0
    assert lag["oldest_unsealed_at"] is not None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nothing_can_be_written(acme, acme_admin, events, method):
    api = client_for(acme_admin)
    url = URL if method == "post" else f"{URL}{events.pk}/"
    response = getattr(api, method)(url, {"action": "forged"}, format="json")
    assert response.status_code == 405
    with scope.tenant(acme):
        assert AuditEvent.objects.get(pk=events.pk).action == "gadget.approved"


def test_a_role_without_the_view_permission_is_refused(acme, events):
    clerk = MembershipFactory.create(tenant=acme, role=Role.SALES).user
    response = client_for(clerk).get(URL)
    assert response.status_code == 403


def test_the_list_uses_a_constant_number_of_queries(acme, acme_admin, events, django_assert_max_num_queries):
    api = client_for(acme_admin)
    with django_assert_max_num_queries(10) as few:
        api.get(URL)
    with scope.tenant(acme):
        for n in range(30):
            record_event("bulk.event", actor=ANN, data={"n": n})
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.get(URL)


def test_the_schema_documents_the_endpoints(acme_admin):
    api = APIClient()
    api.force_authenticate(acme_admin)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/audit-events/" in schema["paths"]
    assert "/api/v1/audit-events/seal-lag/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/audit-events/"]["get"]["parameters"]}
    assert {"action", "actor_kind", "object_type", "occurred_after", "occurred_before", "page"} <= parameters
