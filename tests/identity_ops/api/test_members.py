"""``/api/v1/members/``: a tenant's memberships for its administrators, with the lifecycle as actions."""

import pytest

from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import MembershipFactory, UserFactory
from tests.identity_ops.conftest import api_as, token_api

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/members/"
LAST_ADMIN = "Acme needs at least one active administrator; make someone else administrator first."


def member(tenant, role=Role.SALES, email=None, **extra):
    user = UserFactory.create(**({"email": email} if email else {}))
    return MembershipFactory.create(user=user, tenant=tenant, role=role, **extra)


def test_an_administrator_lists_the_tenants_members_only(acme, globex, ana):
    member(acme, email="bo@example.com")
    member(globex, email="stranger@example.com")

    response = api_as(ana, acme).get(MEMBERS)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["email"], r["role"], r["status"]) for r in rows] == [
        ("ana@example.com", "admin", "active"),
        ("bo@example.com", "sales", "active"),
    ]
    assert set(rows[0]) == {
        "id",
        "user_id",
        "email",
        "full_name",
        "role",
        "role_label",
        "status",
        "created_at",
        "updated_at",
    }


def test_another_tenants_member_is_not_found(acme, globex, ana):
    stranger = member(globex)

    client = token_api(ana, acme, stepped_up=True)

    assert client.get(f"{MEMBERS}{stranger.pk}/").status_code == 404
    assert client.post(f"{MEMBERS}{stranger.pk}/suspend/", {"reason": "x"}, format="json").status_code == 404
    assert (
        client.post(f"{MEMBERS}{stranger.pk}/change-role/", {"role": "viewer"}, format="json").status_code
        == 404
    )
    stranger.refresh_from_db()
    assert (stranger.status, stranger.role) == (MembershipStatus.ACTIVE, Role.SALES)


def test_one_person_has_different_rights_in_each_tenant(acme, globex, ana):
    # Ana administers Acme and is a viewer in Globex.
    assert api_as(ana, acme).get(MEMBERS).status_code == 200
    response = api_as(ana, globex).get(MEMBERS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_manager_reads_members_but_changes_nothing(acme):
    manager = member(acme, role=Role.MANAGER)
    clerk = member(acme)
    client = api_as(manager.user, acme)

    assert client.get(MEMBERS).status_code == 200
    assert client.post(f"{MEMBERS}{clerk.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403
    assert (
        client.post(f"{MEMBERS}{clerk.pk}/change-role/", {"role": "viewer"}, format="json").status_code == 403
    )
    clerk.refresh_from_db()
    assert (clerk.status, clerk.role) == (MembershipStatus.ACTIVE, Role.SALES)


def test_suspend_needs_a_reason_and_answers_with_the_member(acme, ana):
    clerk = member(acme)
    client = api_as(ana, acme)

    missing = client.post(f"{MEMBERS}{clerk.pk}/suspend/", {}, format="json")
    done = client.post(f"{MEMBERS}{clerk.pk}/suspend/", {"reason": "on leave"}, format="json")

    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["reason"]
    assert done.status_code == 200
    assert done.json()["status"] == "suspended"
    assert [t["name"] for t in done.json()["available_transitions"]] == ["reinstate", "remove"]


def test_the_last_administrator_is_refused_with_the_reason(acme, ana):
    own = Membership.objects.get(user=ana, tenant=acme)
    client = token_api(ana, acme, stepped_up=True)

    removed = client.post(f"{MEMBERS}{own.pk}/remove/", {"reason": "leaving"}, format="json")
    suspended = client.post(f"{MEMBERS}{own.pk}/suspend/", {"reason": "away"}, format="json")
    demoted = client.post(f"{MEMBERS}{own.pk}/change-role/", {"role": "viewer"}, format="json")

    # One rule, one answer: 409 last_administrator, whichever way it would be broken.
    assert (removed.status_code, suspended.status_code, demoted.status_code) == (409, 409, 409)
    assert removed.json() == {"code": "last_administrator", "detail": f"cannot remove: {LAST_ADMIN}"}
    assert suspended.json() == {"code": "last_administrator", "detail": f"cannot suspend: {LAST_ADMIN}"}
    assert demoted.json() == {"code": "last_administrator", "detail": LAST_ADMIN}
    own.refresh_from_db()
    assert (own.role, own.status) == (Role.ADMIN, MembershipStatus.ACTIVE)


def test_changing_a_role_after_a_recent_second_factor(acme, ana):
    clerk = member(acme)
    url = f"{MEMBERS}{clerk.pk}/change-role/"

    not_stepped_up = token_api(ana, acme).post(url, {"role": "accountant"}, format="json")
    client = token_api(ana, acme, stepped_up=True)
    response = client.post(url, {"role": "accountant"}, format="json")
    bad = client.post(url, {"role": "overlord"}, format="json")

    assert (not_stepped_up.status_code, not_stepped_up.json()["code"]) == (403, "mfa_required")
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["role_label"]) == ("accountant", "Accountant")
    assert bad.status_code == 400
    clerk.refresh_from_db()
    assert clerk.role == Role.ACCOUNTANT


def test_a_suspended_member_is_refused_in_that_tenant_at_once(acme, ana):
    clerk = member(acme, role=Role.ADMIN)
    clerk_client = api_as(clerk.user, acme)
    assert clerk_client.get(MEMBERS).status_code == 200

    api_as(ana, acme).post(f"{MEMBERS}{clerk.pk}/suspend/", {"reason": "x"}, format="json")

    response = clerk_client.get(MEMBERS)
    assert response.status_code == 403
    assert response.json()["code"] == "tenant_forbidden"


def test_members_are_filtered_searched_and_ordered(acme, ana):
    member(acme, email="bo@example.com", role=Role.VIEWER)
    member(acme, email="cy@example.com", status=MembershipStatus.SUSPENDED)
    client = api_as(ana, acme)

    assert [r["email"] for r in client.get(MEMBERS, {"status": "suspended"}).json()["results"]] == [
        "cy@example.com"
    ]
    assert [r["email"] for r in client.get(MEMBERS, {"role": "viewer"}).json()["results"]] == [
        "bo@example.com"
    ]
    assert [r["email"] for r in client.get(MEMBERS, {"search": "cy@"}).json()["results"]] == [
        "cy@example.com"
    ]
    ordered = client.get(MEMBERS, {"ordering": "-user__email"}).json()["results"]
    assert [r["email"] for r in ordered] == ["cy@example.com", "bo@example.com", "ana@example.com"]


def test_the_member_list_costs_the_same_queries_for_any_number_of_members(
    acme, ana, django_assert_max_num_queries
):
    client = api_as(ana, acme)
    with django_assert_max_num_queries(20) as few:
        client.get(MEMBERS)
    for number in range(15):
        member(acme, email=f"m{number}@example.com")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(MEMBERS)
    assert response.json()["count"] == 16
