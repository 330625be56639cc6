"""``/api/v1/invitations/``: invite, list, revoke, send again — the tenant's administrators only."""

import pytest
from django.core import mail

from identity_ops.models import Invitation, InvitationStatus
from nexus.accounts.models import User
from nexus.core import scope
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, UserFactory
from tests.identity_ops.conftest import api_as

pytestmark = pytest.mark.django_db

INVITATIONS = "/api/v1/invitations/"


def test_an_administrator_invites_and_sees_the_invitation(acme, ana, run_on_commit):
    client = api_as(ana, acme)

    with run_on_commit():
        created = client.post(INVITATIONS, {"email": "new@example.com", "role": "sales"}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"], body["role_label"], body["status"], body["invited_by"]) == (
        "new@example.com",
        "sales",
        "Sales clerk",
        "pending",
        "ana@example.com",
    )
    assert body["available_transitions"] == [{"name": "revoke", "label": "Revoke", "requires_reason": False}]
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    listed = client.get(INVITATIONS).json()["results"]
    assert [i["id"] for i in listed] == [body["id"]]


def test_inviting_a_member_is_a_400_on_the_email_field(acme, ana):
    response = api_as(ana, acme).post(
        INVITATIONS, {"email": "ana@example.com", "role": "viewer"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["ana@example.com is already a member of this tenant."]}
    with scope.tenant(acme):
        assert not Invitation.objects.exists()


def test_an_unknown_role_is_a_400(acme, ana):
    response = api_as(ana, acme).post(
        INVITATIONS, {"email": "new@example.com", "role": "overlord"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["role"]
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SALES, Role.VIEWER])
def test_only_administrators_invite(acme, role):
    person = MembershipFactory.create(tenant=acme, role=role).user

    response = api_as(person, acme).post(
        INVITATIONS, {"email": "new@example.com", "role": "sales"}, format="json"
    )

    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()


def test_revoke_and_send_again(acme, ana, run_on_commit):
    client = api_as(ana, acme)
    first = client.post(INVITATIONS, {"email": "one@example.com", "role": "sales"}, format="json").json()
    second = client.post(INVITATIONS, {"email": "two@example.com", "role": "sales"}, format="json").json()

    with run_on_commit():
        resent = client.post(f"{INVITATIONS}{second['id']}/resend/")
    revoked = client.post(
        f"{INVITATIONS}{first['id']}/revoke/", {"reason": "typo in the address"}, format="json"
    )
    too_soon = client.post(f"{INVITATIONS}{second['id']}/resend/")
    not_pending = client.post(f"{INVITATIONS}{first['id']}/resend/")

    assert (resent.status_code, resent.json()["sent_count"]) == (200, 2)
    assert (revoked.status_code, revoked.json()["status"], revoked.json()["available_transitions"]) == (
        200,
        "revoked",
        [],
    )
    assert too_soon.status_code == 429
    assert (not_pending.status_code, not_pending.json()["code"]) == (409, "conflict")
    assert not User.objects.filter(email="one@example.com").exists()


def test_another_tenants_invitation_is_not_found(acme, globex, ana, gus):
    theirs = api_as(gus, globex).post(
        INVITATIONS, {"email": "new@example.com", "role": "sales"}, format="json"
    )
    pk = theirs.json()["id"]
    client = api_as(ana, acme)

    assert client.get(f"{INVITATIONS}{pk}/").status_code == 404
    assert client.post(f"{INVITATIONS}{pk}/revoke/", {}, format="json").status_code == 404
    assert client.post(f"{INVITATIONS}{pk}/resend/").status_code == 404
    assert client.get(INVITATIONS).json()["count"] == 0
    with scope.tenant(globex):
        assert Invitation.objects.get(pk=pk).status == InvitationStatus.PENDING


def test_the_invitation_list_costs_the_same_queries_for_any_number_of_invitations(
    acme, ana, django_assert_max_num_queries
):
    client = api_as(ana, acme)
    client.post(INVITATIONS, {"email": "first@example.com", "role": "sales"}, format="json")
    with django_assert_max_num_queries(20) as few:
        client.get(INVITATIONS)
    budget = len(few.captured_queries)  # read now: each request clears the connection's query log
    for number in range(12):
        inviter = UserFactory.create()
        MembershipFactory.create(user=inviter, tenant=acme, role=Role.ADMIN)
        api_as(inviter, acme).post(
            INVITATIONS, {"email": f"p{number}@example.com", "role": "viewer"}, format="json"
        )

    with django_assert_max_num_queries(budget):
        response = client.get(INVITATIONS)
    assert response.json()["count"] == 13
