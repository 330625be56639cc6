"""The sidebar registry: each app declares its screens; each person sees only what they may view."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from nexus.core import scope
from nexus.core.admin.navigation import Group, ScreenRegistry, screens
from nexus.inventory.models import Product
from nexus.procurement.models import PurchaseOrder
from nexus.tenancy.models import Membership, Role, Tenant
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.kernel_example.models import Gadget

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def titles(navigation) -> list[tuple[str, list[str]]]:
    return [(group["title"], [item["title"] for item in group["items"]]) for group in navigation]


def test_screens_come_out_in_the_order_of_their_groups_then_their_own():
    registry = ScreenRegistry()
    registry.register(Group.SYSTEM, model=Gadget, icon="widgets")
    registry.register(Group.PURCHASING, model=PurchaseOrder, icon="shopping_cart", order=20)
    registry.register(Group.PURCHASING, model=Product, title="Articles", icon="category", order=10)
    operator = UserFactory.create(is_platform_operator=True)
    tenant = TenantFactory.create(slug="acme")
    MembershipFactory.create(user=operator, tenant=tenant, role=Role.ADMIN)

    with scope.tenant(tenant):
        navigation = registry.navigation(request_of(operator), admin.site)

    assert titles(navigation) == [
        ("", ["Dashboard"]),
        ("Purchasing", ["Articles", "Purchase orders"]),
        ("System", ["Gadgets"]),
    ]
    assert navigation[1]["items"][1]["link"] == "/admin/procurement/purchaseorder/"


def test_a_person_sees_only_the_screens_their_role_may_view_and_no_empty_group():
    tenant = TenantFactory.create(slug="acme")
    purchaser = MembershipFactory.create(tenant=tenant, role=Role.PURCHASER).user

    with scope.tenant(tenant):
        navigation = titles(screens.navigation(request_of(purchaser), admin.site))

    groups = dict(navigation)
    assert set(groups) == {"", "Purchasing", "Inventory", "Planning", "Returns and costs"}
    assert groups["Returns and costs"] == ["Landed costs"]
    assert groups["Purchasing"] == [
        "Purchase orders",
        "Goods receipts",
        "Vendor bills",
        "Dropship orders",
        "Requisitions",
        "Vendors",
        "Vendor product terms",
        "Vendor lead times",
        "Exchange rates",
    ]
    assert "Sales orders" not in str(navigation)


def test_without_a_tenant_an_operator_sees_people_and_system_screens_only():
    operator = UserFactory.create(is_platform_operator=True)

    groups = dict(titles(screens.navigation(request_of(operator), admin.site)))

    assert set(groups) == {"", "People and access", "System"}
    assert "Tenants" in groups["People and access"]
    assert "Audit events" in groups["System"]


def test_every_screen_of_the_admin_site_is_placed_in_the_sidebar():
    # django.contrib.auth registers its groups; Nexus grants by roles, and nobody holds auth.* rights.
    assert set(admin.site._registry) - {AuthGroup} == screens.models()


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"model": Gadget, "url_name": "admin:index"}, "either a model or an admin URL name"),
        ({}, "either a model or an admin URL name"),
        ({"url_name": "admin:index"}, "must say who may see it"),
    ],
)
def test_a_screen_names_one_page_and_who_sees_it(kwargs, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        ScreenRegistry().register(Group.SYSTEM, icon="x", **kwargs)


def test_a_screen_is_declared_once():
    registry = ScreenRegistry()
    registry.register(Group.SYSTEM, model=Gadget, icon="widgets")

    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        registry.register(Group.SALES, model=Gadget, icon="widgets")


def test_a_page_that_is_not_a_model_list_is_shown_by_its_permission():
    registry = ScreenRegistry()
    registry.register(
        Group.SYSTEM, url_name="admin:index", title="Overview", icon="home", permission="core.view_auditevent"
    )
    tenant = TenantFactory.create(slug="acme")
    accountant = MembershipFactory.create(tenant=tenant, role=Role.ACCOUNTANT).user
    clerk = MembershipFactory.create(tenant=tenant, role=Role.SALES).user

    with scope.tenant(tenant):
        seen = titles(registry.navigation(request_of(accountant), admin.site))
        unseen = titles(registry.navigation(request_of(clerk), admin.site))

    assert seen == [("", ["Dashboard"]), ("System", ["Overview"])]
    assert unseen == [("", ["Dashboard"])]


def test_the_admin_renders_the_sidebar_of_the_person(client):
    tenant: Tenant = TenantFactory.create(slug="acme")
    membership: Membership = MembershipFactory.create(tenant=tenant, role=Role.SALES)
    client.force_login(membership.user)
    session = client.session
    session["nexus_tenant_id"] = tenant.pk
    session.save()

    html = client.get("/admin/").content.decode()

    assert 'href="/admin/sales/salesorder/"' in html
    assert 'href="/admin/procurement/purchaseorder/"' not in html
    assert 'href="/admin/mfa/"' in html  # the second factor, in the person's menu
