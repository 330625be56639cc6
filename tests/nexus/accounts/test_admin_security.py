"""Lockouts and service tokens in the admin: a tenant admin's view, clearing, creating under step-up."""

import datetime as dt

import pytest
from django.utils import timezone

from nexus.accounts import service_tokens
from nexus.accounts.models import LoginThrottle, ServiceToken
from nexus.accounts.stepup import SESSION_KEY
from nexus.accounts.token_scopes import SCOPES_BY_KEY
from nexus.core.stepup import step_up_url
from nexus.tenancy.access import SELECTED_TENANT_SESSION_KEY
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def work_in(client, user, tenant, *, stepped_up=False):
    client.force_login(user)
    session = client.session
    session[SELECTED_TENANT_SESSION_KEY] = tenant.pk
    if stepped_up:
        session[SESSION_KEY] = timezone.now().isoformat()
    session.save()


def locked(user):
    now = timezone.now()
    return LoginThrottle.objects.create(
        username=user.email,
        ip_address="198.51.100.1",
        user=user,
        attempts=5,
        failures=5,
        lockouts=1,
        locked_until=now + dt.timedelta(minutes=5),
        last_attempt_at=now,
    )


def test_a_tenant_admin_lists_and_clears_lockouts_of_the_tenants_members(
    client, ana, acme, django_assert_max_num_queries
):
    member = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=member, tenant=acme, role=Role.VIEWER)
    mine = locked(member)
    locked(UserFactory.create(email="stranger@example.com"))
    work_in(client, ana, acme)

    page = client.get("/admin/accounts/loginthrottle/")
    assert page.status_code == 200
    assert [row.username for row in page.context["cl"].result_list] == ["bo@example.com"]
    client.post("/admin/accounts/loginthrottle/", {"action": "clear_lockouts", "_selected_action": [mine.pk]})
    assert not LoginThrottle.objects.filter(pk=mine.pk).exists()
    assert LoginThrottle.objects.count() == 1


def test_creating_a_service_token_in_the_admin_needs_a_step_up_and_shows_the_key_once(client, ana, acme):
    work_in(client, ana, acme)
    asked = client.get("/admin/accounts/servicetoken/add/")
    assert asked["Location"].startswith("/admin/step-up/")

    work_in(client, ana, acme, stepped_up=True)
    created = client.post(
        "/admin/accounts/servicetoken/add/",
        {"name": "Shop sync", "scopes": ["stock:read"]},
        follow=True,
    )
    token = ServiceToken.objects.get()
    assert (token.tenant_id, token.scopes, token.created_by_id) == (
        acme.pk,
        sorted(SCOPES_BY_KEY["stock:read"].permissions),
        ana.pk,
    )
    assert "svc_" in created.content.decode()
    listed = client.get("/admin/accounts/servicetoken/")
    assert "shown only now" not in listed.content.decode()


def test_a_token_form_sent_after_the_step_up_lapsed_comes_back_filled_in(client, ana, acme):
    work_in(client, ana, acme)

    asked = client.post("/admin/accounts/servicetoken/add/", {"name": "Shop sync", "scopes": ["stock:read"]})

    assert asked["Location"] == step_up_url("/admin/accounts/servicetoken/add/")
    assert not ServiceToken.objects.exists()
    work_in(client, ana, acme, stepped_up=True)
    form = client.get("/admin/accounts/servicetoken/add/").context["form"]
    assert (form["name"].value(), form["scopes"].value()) == ("Shop sync", ["stock:read"])
    assert not ServiceToken.objects.exists()


def test_an_action_sent_before_the_step_up_comes_back_as_a_page_that_runs_it(client, ana, acme):
    ben = UserFactory.create()
    MembershipFactory.create(user=ben, tenant=acme, role=Role.ADMIN)
    token = service_tokens.create_service_token(
        creator=ben, tenant_id=acme.pk, name="Shop sync", scopes=["stock:read"], expires_at=None
    ).token
    work_in(client, ana, acme)
    chosen = {"action": "take_over_tokens", "_selected_action": [token.pk], "index": "0"}

    asked = client.post("/admin/accounts/servicetoken/", chosen)

    assert asked["Location"] == step_up_url("/admin/accounts/servicetoken/")
    work_in(client, ana, acme, stepped_up=True)
    page = client.get("/admin/accounts/servicetoken/")
    assert page.templates[0].name == "admin/step_up/kept_action.html"
    assert (page.context["action_name"], page.context["objects"]) == ("take_over_tokens", [token])
    assert ServiceToken.objects.get().created_by_id == ben.pk  # nothing ran on its own
    done = client.post(
        "/admin/accounts/servicetoken/", {"action": "take_over_tokens", "_selected_action": [token.pk]}
    )
    assert done.status_code == 302
    assert ServiceToken.objects.get().created_by_id == ana.pk
    assert client.get("/admin/accounts/servicetoken/").templates[0].name != "admin/step_up/kept_action.html"


def test_a_member_without_the_admin_role_sees_neither(client, acme):
    clerk = UserFactory.create()
    MembershipFactory.create(user=clerk, tenant=acme, role=Role.WAREHOUSE_CLERK)
    work_in(client, clerk, acme)
    assert client.get("/admin/accounts/loginthrottle/").status_code == 403
    assert client.get("/admin/accounts/servicetoken/").status_code == 403
