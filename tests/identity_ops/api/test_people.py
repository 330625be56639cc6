"""``/api/v1/me/`` and ``/api/v1/users/``: the caller, and accounts for platform operators."""

import pytest
from rest_framework.test import APIClient

from identity_ops.workflows.registration import SignUp, sign_up
from nexus.accounts.models import User, UserStatus
from nexus.accounts.service_tokens import create_service_token
from nexus.core import scope
from nexus.tenancy.models import MembershipStatus, Role
from tests.factories.people import MembershipFactory, UserFactory
from tests.identity_ops.conftest import api_as, token_api

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
USERS = "/api/v1/users/"


def test_me_describes_the_caller_with_memberships_and_roles(acme, globex, dormant, ana):
    MembershipFactory.create(user=ana, tenant=dormant, role=Role.SALES, status=MembershipStatus.SUSPENDED)

    body = api_as(ana).get(ME).json()

    assert (body["email"], body["status"], body["current_tenant"], body["permissions"]) == (
        "ana@example.com",
        "active",
        None,
        [],
    )
    assert [(m["tenant"]["slug"], m["role"], m["status"]) for m in body["memberships"]] == [
        ("acme", "admin", "active"),
        ("dormant", "sales", "suspended"),
        ("globex", "viewer", "active"),
    ]


def test_one_person_has_different_permissions_in_each_tenant(acme, globex, ana):
    in_acme = set(api_as(ana, acme).get(ME).json()["permissions"])
    in_globex = set(api_as(ana, globex).get(ME).json()["permissions"])

    assert {"tenancy.change_membership", "identity_ops.add_invitation"} <= in_acme
    assert "tenancy.change_membership" not in in_globex
    assert "identity_ops.view_invitation" in in_globex
    assert not {
        p
        for p in in_globex
        if not p.startswith(("identity_ops.", "inventory.", "procurement."))
        and p.split(".")[1].startswith(("add_", "change_", "delete_"))
    }


def test_a_suspended_tenant_refuses_its_members_on_every_request(dormant):
    member = MembershipFactory.create(tenant=dormant, role=Role.ADMIN).user

    response = api_as(member, dormant).get(ME)

    assert response.status_code == 403
    assert response.json()["code"] == "tenant_forbidden"
    assert api_as(member, dormant).get("/api/v1/members/").status_code == 403


def test_suspending_a_person_stops_their_live_token_on_its_next_request(acme, ana, operator):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.SALES)
    bo_client = token_api(bo, acme)
    assert bo_client.get(ME).status_code == 200

    suspended = api_as(operator).post(f"{USERS}{bo.pk}/suspend/", {"reason": "compromised"}, format="json")

    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    refused = bo_client.get(ME)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_a_tenant_administrator_cannot_touch_accounts(acme, ana):
    bo = UserFactory.create(email="bo@example.com")
    MembershipFactory.create(user=bo, tenant=acme, role=Role.SALES)
    client = api_as(ana, acme)

    assert client.get(USERS).status_code == 403
    assert client.post(f"{USERS}{bo.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403
    bo.refresh_from_db()
    assert bo.status == UserStatus.ACTIVE


def test_a_person_closes_their_own_account(acme, ana):
    client = token_api(ana)

    response = client.post(f"{ME}deactivate/", {"reason": "moving on"}, format="json")

    assert response.status_code == 204
    assert User.objects.get(pk=ana.pk).status == UserStatus.DEACTIVATED
    assert client.get(ME).status_code == 401


def test_the_user_list_costs_the_same_queries_for_any_number_of_people(
    operator, django_assert_max_num_queries
):
    client = api_as(operator)
    with django_assert_max_num_queries(20) as few:
        client.get(USERS)
    UserFactory.create_batch(15)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(USERS)
    assert response.json()["count"] == 16


def test_the_registration_list_costs_the_same_queries_for_any_number_of_sign_ups(
    acme, ana, django_assert_max_num_queries
):
    client = api_as(ana, acme)
    sign_up(SignUp(tenant="acme", email="first@example.com", password="correct horse battery staple"))
    with django_assert_max_num_queries(20) as few:
        client.get("/api/v1/registrations/")
    budget = len(few.captured_queries)
    for number in range(10):
        sign_up(
            SignUp(tenant="acme", email=f"p{number}@example.com", password="correct horse battery staple")
        )

    with django_assert_max_num_queries(budget):
        response = client.get("/api/v1/registrations/")
    assert response.json()["count"] == 11


def test_a_service_token_is_no_person_and_changes_nobodys_membership(acme, ana):
    clerk = MembershipFactory.create(tenant=acme, role=Role.SALES)
    with scope.tenant(acme):
        created = create_service_token(
            creator=ana,
            tenant_id=acme.pk,
            name="HR sync",
            scopes=["tenancy.view_membership", "tenancy.change_membership"],
            expires_at=None,
        )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.key}")

    assert client.get("/api/v1/members/").status_code == 200
    assert (
        client.post(f"/api/v1/members/{clerk.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403
    )
    assert (
        client.post(
            "/api/v1/invitations/", {"email": "x@example.com", "role": "sales"}, format="json"
        ).status_code
        == 403
    )
    assert client.get(ME).status_code == 403
    clerk.refresh_from_db()
    assert clerk.status == MembershipStatus.ACTIVE
