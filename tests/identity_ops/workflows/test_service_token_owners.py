"""Service tokens follow their owner: suspended with them, resumed with them, taken over by another admin."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from identity_ops.workflows.lifecycle import move_membership, move_person
from nexus.accounts.models import ServiceToken
from nexus.accounts.service_tokens import create_service_token
from nexus.core import scope
from nexus.core.models import AuditEvent
from nexus.tenancy.models import Membership, Role
from tests.factories.people import MembershipFactory, UserFactory
from tests.identity_ops.conftest import token_api
from tests.nexus.accounts.test_admin_security import work_in

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"


@pytest.fixture
def ben(acme):
    """A second administrator of Acme."""
    user = UserFactory.create(email="ben@example.com", full_name="Ben Second")
    MembershipFactory.create(user=user, tenant=acme, role=Role.ADMIN)
    return user


def _token_of(owner, tenant, name="Shop sync") -> str:
    with scope.tenant(tenant):
        return create_service_token(
            creator=owner, tenant_id=tenant.pk, name=name, scopes=["inventory.view_product"], expires_at=None
        ).key


def _products(key: str) -> int:
    return APIClient().get(PRODUCTS, HTTP_AUTHORIZATION=f"Token {key}").status_code


def _state(name="Shop sync") -> tuple:
    token = ServiceToken.objects.get(name=name)
    return (token.created_by_id, token.suspended_at is not None, token.suspension_reason)


def _token_events(tenant) -> list[tuple[str, str, dict]]:
    with scope.tenant(tenant):
        events = AuditEvent.objects.filter(action__startswith="accounts.service_token_").order_by("id")
        return [
            (e.action, e.actor_id, e.data) for e in events if e.action != "accounts.service_token_created"
        ]


def test_suspending_the_owners_membership_suspends_their_tokens_there_and_reinstating_resumes_them(
    acme, globex, ana, ben, run_on_commit
):
    acme_key = _token_of(ana, acme)
    _token_of(ana, globex, name="Globex sync")
    membership = Membership.objects.get(user=ana, tenant=acme)
    assert _products(acme_key) == 200

    with run_on_commit(), scope.tenant(acme):
        move_membership(membership.pk, "suspend", actor=ben, reason="on leave")

    assert _products(acme_key) == 401
    assert _state() == (ana.pk, True, "owner_membership_suspended")
    assert _state("Globex sync") == (ana.pk, False, "")  # another tenant's token: untouched
    assert _token_events(acme) == [
        (
            "accounts.service_token_suspended",
            str(ben.pk),
            {"owner_id": ana.pk, "reason": "owner_membership_suspended"},
        )
    ]

    with run_on_commit(), scope.tenant(acme):
        move_membership(membership.pk, "reinstate", actor=ben, reason="back")

    assert _products(acme_key) == 200
    assert _state() == (ana.pk, False, "")
    assert _token_events(acme)[-1] == (
        "accounts.service_token_resumed",
        str(ben.pk),
        {"owner_id": ana.pk, "reason": "owner_membership_suspended"},
    )


def test_removing_the_owner_or_suspending_their_account_suspends_their_tokens(
    acme, globex, ana, ben, operator, run_on_commit
):
    acme_key, globex_key = _token_of(ana, acme), _token_of(ana, globex, name="Globex sync")
    ben_key = _token_of(ben, acme, name="Ben's sync")

    with run_on_commit():
        move_person(ana.pk, "suspend", actor=operator, reason="investigation")

    assert (_products(acme_key), _products(globex_key), _products(ben_key)) == (401, 401, 200)
    assert _state() == (ana.pk, True, "owner_account_suspended")
    assert _state("Globex sync") == (ana.pk, True, "owner_account_suspended")

    with run_on_commit(), scope.tenant(acme):
        move_membership(Membership.objects.get(user=ana, tenant=acme).pk, "remove", actor=ben, reason="left")
    with run_on_commit():
        move_person(ana.pk, "reinstate", actor=operator, reason="cleared")

    # The account is back, so Globex's token resumes; she has left Acme, so its token stays
    # suspended, now for that reason, until another administrator takes it over.
    assert (_products(acme_key), _products(globex_key)) == (401, 200)
    assert _state() == (ana.pk, True, "owner_membership_removed")
    assert _state("Globex sync") == (ana.pk, False, "")


def test_the_admin_shows_the_reason_and_another_admin_takes_the_token_over_after_a_step_up(
    client, acme, ana, ben, run_on_commit
):
    key = _token_of(ana, acme)
    with run_on_commit(), scope.tenant(acme):
        move_membership(Membership.objects.get(user=ana, tenant=acme).pk, "remove", actor=ben, reason="left")
    token = ServiceToken.objects.get()

    work_in(client, ben, acme, stepped_up=False)
    listed = client.get("/admin/accounts/servicetoken/")
    assert "Owner removed from the tenant" in listed.content.decode()
    asked = client.post(
        "/admin/accounts/servicetoken/", {"action": "take_over_tokens", "_selected_action": [token.pk]}
    )
    assert asked["Location"].startswith("/admin/step-up/")
    assert _state() == (ana.pk, True, "owner_membership_removed")

    work_in(client, ben, acme, stepped_up=True)
    client.post(
        "/admin/accounts/servicetoken/", {"action": "take_over_tokens", "_selected_action": [token.pk]}
    )

    assert _state() == (ben.pk, False, "")
    assert _products(key) == 200
    assert _token_events(acme)[-1] == (
        "accounts.service_token_taken_over",
        str(ben.pk),
        {"previous_owner_id": ana.pk, "was_suspended": "owner_membership_removed"},
    )


def test_taking_over_over_the_api_needs_a_step_up_and_another_owner(acme, ana, ben, run_on_commit):
    _token_of(ana, acme)
    token = ServiceToken.objects.get()
    url = f"/api/v1/auth/tokens/{token.pk}/take-over/"

    refused = token_api(ben, acme).post(url)
    assert (refused.status_code, refused.json()["code"]) == (403, "mfa_required")
    assert _state() == (ana.pk, False, "")

    already = token_api(ana, acme, stepped_up=True).post(url)
    assert (already.status_code, already.json()["code"]) == (409, "already_owner")

    taken = token_api(ben, acme, stepped_up=True).post(url)
    assert taken.status_code == 200, taken.json()
    assert (taken.json()["suspended_at"], taken.json()["created_by"]) == (None, "ben@example.com")
    assert _state() == (ben.pk, False, "")


def test_a_reinstated_membership_does_not_resume_a_token_whose_owners_account_is_suspended(
    acme, ana, ben, operator, run_on_commit
):
    key = _token_of(ana, acme)
    membership = Membership.objects.get(user=ana, tenant=acme)
    with run_on_commit(), scope.tenant(acme):
        move_membership(membership.pk, "suspend", actor=ben, reason="on leave")
    with run_on_commit():
        move_person(ana.pk, "suspend", actor=operator, reason="investigation")
    with run_on_commit(), scope.tenant(acme):
        move_membership(membership.pk, "reinstate", actor=ben, reason="back")

    assert _products(key) == 401
    assert _state() == (ana.pk, True, "owner_account_suspended")
    with run_on_commit():
        move_person(ana.pk, "reinstate", actor=operator, reason="cleared")
    assert _products(key) == 200
    assert _state() == (ana.pk, False, "")


def test_the_take_over_endpoint_is_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    take_over = schema["paths"]["/api/v1/auth/tokens/{id}/take-over/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(take_over["responses"])
    token = schema["components"]["schemas"]["ServiceToken"]["properties"]
    assert {"suspended_at", "suspension_reason"} <= set(token)
