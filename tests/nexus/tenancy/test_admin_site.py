"""Who the admin admits, the login rule, the tenant switcher and the 403 for unusable tenants."""

import pytest
from django.contrib import admin

from nexus.core import scope
from nexus.core.models.refs import ActorRef
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.admin_site import NexusAdminSite
from nexus.tenancy.models import Role
from nexus.tenancy.services import suspend_tenant
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db

OPERATOR = ActorRef.system("tests: an operator suspends the tenant")


def select(client, tenant):
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    session.save()


def selected(client):
    return client.session.get(SELECTED_TENANT_SESSION_KEY)


def log_in(client, user):
    return client.post("/admin/login/?next=/admin/", {"username": user.email, "password": TEST_PASSWORD})


@pytest.mark.smoke
def test_admin_site_is_the_nexus_site():
    assert isinstance(admin.site, NexusAdminSite)


def test_a_staff_member_logs_in_and_lands_in_their_first_tenant(client, ana, acme):
    response = log_in(client, ana)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    # Acme (admin) and Globex (viewer, not a staff role); Dormant is suspended.
    assert selected(client) == acme.pk
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b'id="tenant-switcher"' in page.content
    assert b"Acme (Tenant administrator)" in page.content
    assert b"Globex" not in page.content  # viewers do not work in the admin
    assert b"Dormant" not in page.content


def test_login_keeps_a_still_usable_selection(client, ana, acme, globex):
    beta = TenantFactory.create(name="Beta", slug="beta")
    MembershipFactory.create(user=ana, tenant=beta, role=Role.MANAGER)
    select(client, acme)

    log_in(client, ana)

    assert selected(client) == acme.pk  # Beta sorts first, but Acme was selected and still usable


def test_a_person_with_only_a_viewer_role_is_refused_at_login_with_a_clear_message(client, globex):
    viewer = UserFactory.create()
    MembershipFactory.create(user=viewer, tenant=globex, role=Role.VIEWER)

    response = log_in(client, viewer)

    assert response.status_code == 200
    assert b"This account has no staff role in an active tenant" in response.content
    assert "_auth_user_id" not in client.session


def test_staff_of_a_suspended_tenant_only_are_refused_at_login(client, dormant):
    clerk = UserFactory.create()
    MembershipFactory.create(user=clerk, tenant=dormant, role=Role.WAREHOUSE_CLERK)

    response = log_in(client, clerk)

    assert b"This account has no staff role in an active tenant" in response.content


def test_an_operator_without_membership_uses_the_admin_in_no_tenant(client, operator):
    response = log_in(client, operator)

    assert response.status_code == 302
    assert selected(client) is None
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b"Platform (no tenant)" in page.content


def test_without_a_selected_tenant_a_staff_member_is_not_admitted(client, ana):
    client.force_login(ana)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_switching_to_another_staff_tenant(client, ana, acme):
    beta = TenantFactory.create(name="Beta", slug="beta")
    MembershipFactory.create(user=ana, tenant=beta, role=Role.SALES)
    client.force_login(ana)
    select(client, acme)

    response = client.post("/admin/tenant/switch/", {"tenant": "beta"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert selected(client) == beta.pk
    assert b"Beta (Sales clerk)" in client.get("/admin/").content


@pytest.fixture
def beta(ana):
    beta = TenantFactory.create(name="Beta", slug="beta")
    MembershipFactory.create(user=ana, tenant=beta, role=Role.SALES)
    return beta


def test_switching_keeps_the_page_where_it_exists_in_the_other_tenant(client, ana, acme, beta):
    client.force_login(ana)
    select(client, acme)
    wanted = "/admin/sales/salesorder/?status__exact=draft"

    response = client.post("/admin/tenant/switch/", {"tenant": "beta", "next": wanted})

    assert response.status_code == 302
    assert response["Location"] == wanted
    assert selected(client) == beta.pk


@pytest.mark.parametrize(
    ("wanted", "why"),
    [
        ("/admin/procurement/purchaseorder/", "a sales clerk in Beta has no purchase orders"),
        ("/admin/sales/customer/{customer}/change/", "the customer belongs to Acme"),
        ("https://elsewhere.example/admin/", "not this site"),
        ("/admin/no/such/page/", "no such page"),
    ],
)
def test_switching_lands_on_the_index_where_the_page_does_not_exist_there(
    client, ana, acme, beta, wanted, why
):
    from tests.factories.sales import CustomerFactory

    with scope.tenant(acme):
        customer = CustomerFactory.create()
    client.force_login(ana)
    select(client, acme)

    response = client.post(
        "/admin/tenant/switch/", {"tenant": "beta", "next": wanted.format(customer=customer.pk)}
    )

    assert response["Location"] == "/admin/", why
    assert selected(client) == beta.pk


@pytest.mark.parametrize(
    ("slug", "why"),
    [("globex", "viewer role"), ("dormant", "suspended tenant"), ("nowhere", "unknown"), ("", "empty")],
)
def test_switching_to_a_tenant_the_admin_does_not_admit_is_403_and_changes_nothing(
    client, ana, acme, slug, why
):
    client.force_login(ana)
    select(client, acme)

    response = client.post("/admin/tenant/switch/", {"tenant": slug})

    assert response.status_code == 403, why
    assert b"You cannot work in that tenant" in response.content
    assert selected(client) == acme.pk


def test_the_switcher_takes_only_post(client, ana, acme):
    client.force_login(ana)
    select(client, acme)

    assert client.get("/admin/tenant/switch/?tenant=acme").status_code == 405


def test_switching_needs_a_logged_in_person(client, acme):
    response = client.post("/admin/tenant/switch/", {"tenant": "acme"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert selected(client) is None


def test_an_operator_may_switch_back_to_no_tenant(client, operator, acme):
    MembershipFactory.create(user=operator, tenant=acme, role=Role.ADMIN)
    client.force_login(operator)
    select(client, acme)

    client.post("/admin/tenant/switch/", {"tenant": ""})

    assert selected(client) is None


def test_a_selected_tenant_suspended_since_gets_a_403_page_and_the_selection_is_dropped(client, ana, acme):
    client.force_login(ana)
    select(client, acme)
    suspend_tenant(acme.pk, actor=OPERATOR)

    response = client.get("/admin/")

    assert response.status_code == 403
    assert b"no longer available to you" in response.content
    assert selected(client) is None
    assert client.get("/admin/").status_code == 302  # next request: no tenant, back to login


def test_a_membership_suspended_since_gets_the_403_page(client, ana, acme):
    client.force_login(ana)
    select(client, acme)
    ana.memberships.filter(tenant=acme).update(status="suspended")

    assert client.get("/admin/").status_code == 403
    assert selected(client) is None


def test_the_403_page_offers_the_tenants_still_available(client, ana, acme):
    beta = TenantFactory.create(name="Beta", slug="beta")
    MembershipFactory.create(user=ana, tenant=beta, role=Role.SALES)
    client.force_login(ana)
    select(client, acme)
    suspend_tenant(acme.pk, actor=OPERATOR)

    response = client.get("/admin/")

    assert b'value="beta"' in response.content
    assert b'value="acme"' not in response.content


def test_the_scope_is_reset_when_the_response_ends(client, ana, acme):
    client.force_login(ana)
    select(client, acme)

    assert client.get("/admin/").status_code == 200
    assert scope.current_tenant_id() is None
