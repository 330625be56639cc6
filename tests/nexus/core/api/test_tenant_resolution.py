"""The base views resolve the tenant right after authentication: X-Tenant, else the session."""

import pytest
from rest_framework.test import APIClient

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Membership, MembershipStatus
from nexus.tenancy.services import suspend_tenant
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import TenantFactory
from tests.kernel_example.models import Gadget

from .conftest import GADGETS, as_tenant

pytestmark = pytest.mark.django_db

OPERATOR = ActorRef.system("tests: an operator suspends the tenant")


@pytest.fixture
def gadgets(acme, globex):
    with scope.tenant(acme):
        GadgetFactory.create(name="Acme one")
    with scope.tenant(globex):
        GadgetFactory.create(name="Globex one")


@pytest.mark.smoke
def test_x_tenant_selects_the_tenant(api, gadgets):
    response = api.get(GADGETS, **as_tenant("acme"))

    assert response.status_code == 200
    assert [g["name"] for g in response.json()["results"]] == ["Acme one"]
    assert [g["name"] for g in api.get(GADGETS, **as_tenant("globex")).json()["results"]] == ["Globex one"]


@pytest.mark.smoke
def test_no_tenant_on_a_tenant_scoped_endpoint_is_400_tenant_required(api, gadgets):
    response = api.get(GADGETS)

    assert response.status_code == 400
    assert response.json() == {
        "code": "tenant_required",
        "detail": "Select a tenant (the X-Tenant header or the session's tenant) for this request.",
    }


def test_a_tenant_without_membership_is_403_and_nothing_is_written(api, gadgets):
    TenantFactory.create(slug="initech")

    response = api.post(GADGETS, {"name": "sneaky"}, **as_tenant("initech"))

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "tenant_forbidden"
    assert body["detail"].startswith("You cannot act in the tenant 'initech'")
    with scope.system_context("test: count every gadget"):
        assert Gadget.objects.count() == 2


@pytest.mark.parametrize("slug", ["no-such-tenant", "ac\x00me", "²", "a" * 64])
def test_an_unknown_or_malformed_tenant_gets_the_same_answer_as_a_foreign_one(api, acme, slug):
    response = api.get(GADGETS, **as_tenant(slug))

    assert response.status_code == 403
    assert response.json() == {
        "code": "tenant_forbidden",
        "detail": f"You cannot act in the tenant {slug!r}: You have no active membership in this tenant, "
        "or the tenant is suspended.",
    }


@pytest.mark.smoke
def test_a_suspended_tenant_is_403_and_its_data_stays(api, dormant):
    with scope.tenant(dormant):
        GadgetFactory.create(name="kept")

    response = api.get(GADGETS, **as_tenant("dormant"))

    assert response.status_code == 403
    assert response.json()["code"] == "tenant_forbidden"
    with scope.tenant(dormant):
        assert list(Gadget.objects.values_list("name", flat=True)) == ["kept"]


@pytest.mark.parametrize(
    "status", [MembershipStatus.INVITED, MembershipStatus.SUSPENDED, MembershipStatus.REMOVED]
)
def test_a_membership_that_is_not_active_is_403(api, ana, acme, status):
    Membership.objects.filter(user=ana, tenant=acme).update(status=status)

    assert api.get(GADGETS, **as_tenant("acme")).status_code == 403


def test_the_session_tenant_is_used_without_a_header(ana, acme, gadgets):
    client = APIClient()
    client.force_login(ana)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = acme.pk
    session.save()

    response = client.get(GADGETS)

    assert response.status_code == 200
    assert [g["name"] for g in response.json()["results"]] == ["Acme one"]
    assert [g["name"] for g in client.get(GADGETS, **as_tenant("globex")).json()["results"]] == ["Globex one"]


def test_a_session_tenant_suspended_since_is_403_and_dropped(ana, acme):
    client = APIClient()
    client.force_login(ana)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = acme.pk
    session.save()
    suspend_tenant(acme.pk, actor=OPERATOR)

    response = client.get(GADGETS)

    assert response.status_code == 403
    assert response.json()["code"] == "tenant_forbidden"
    assert SELECTED_TENANT_SESSION_KEY not in client.session
    assert client.get(GADGETS).json()["code"] == "tenant_required"


def test_anonymous_callers_get_401_whatever_the_tenant(acme):
    response = APIClient().get(GADGETS, **as_tenant("acme"))

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_permissions_come_from_the_role_in_the_named_tenant(api, gadgets):
    assert api.post(GADGETS, {"name": "by admin"}, **as_tenant("acme")).status_code == 201

    refused = api.post(GADGETS, {"name": "by viewer"}, **as_tenant("globex"))

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    with scope.system_context("test: every gadget"):
        assert sorted(Gadget.objects.values_list("name", flat=True)) == ["Acme one", "Globex one", "by admin"]


def test_the_scope_is_restored_after_the_request(api, gadgets):
    api.get(GADGETS, **as_tenant("acme"))

    assert scope.current_scope() == scope.NO_SCOPE


def test_a_created_row_belongs_to_the_named_tenant(api, acme):
    response = api.post(GADGETS, {"name": "new", "quantity": "2.5"}, **as_tenant("acme"))

    assert response.status_code == 201
    with scope.tenant(acme):
        gadget = Gadget.objects.get(pk=response.json()["id"])
    assert (gadget.tenant_id, gadget.name, str(gadget.quantity)) == (acme.pk, "new", "2.500")


def test_the_schema_documents_the_tenant_header(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    parameters = schema["paths"]["/api/v1/example/gadgets/"]["get"]["parameters"]
    header = next(p for p in parameters if p["in"] == "header")
    assert header["name"] == "X-Tenant"
    assert not header.get("required", False)
    assert {"page", "page_size", "ordering", "search", "status", "kind"} <= {p["name"] for p in parameters}
