"""The anonymous endpoints: sign-up, verification, password reset, accepting invitations."""

import pytest
from django.core import mail

from identity_ops.models import Registration
from identity_ops.workflows.invitations import invite
from nexus.accounts.models import User, UserStatus
from nexus.core import scope
from nexus.tenancy.models import Membership, MembershipStatus, Role
from tests.factories.people import UserFactory
from tests.identity_ops.conftest import api_as, key_from_outbox

pytestmark = pytest.mark.django_db

SIGN_UP = "/api/v1/auth/signup/"
VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"
RESET = "/api/v1/auth/password-reset/"
RESET_CONFIRM = "/api/v1/auth/password-reset/confirm/"
ACCEPT = "/api/v1/invitations/accept/"
PASSWORD = "correct horse battery staple"


def sign_up(client, email, key="k", tenant="acme", password=PASSWORD):
    return client.post(
        SIGN_UP,
        {"tenant": tenant, "email": email, "password": password, "idempotency_key": key},
        format="json",
    )


def test_sign_up_answers_the_same_whether_the_address_is_new_known_or_already_a_member(
    anonymous, acme, ana, run_on_commit
):
    UserFactory.create(email="known@example.com")

    with run_on_commit():
        new = sign_up(anonymous, "new@example.com", key="1")
        known = sign_up(anonymous, "known@example.com", key="2")
        member = sign_up(anonymous, "ana@example.com", key="3")

    assert new.status_code == known.status_code == member.status_code == 202
    assert new.json() == known.json() == member.json()
    assert set(new.json()) == {"detail"}
    # Each owner hears about it by email instead.
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "known@example.com", "new@example.com"]


def test_sign_up_with_bad_input_is_a_400_with_field_errors_and_creates_nothing(anonymous, acme):
    response = anonymous.post(SIGN_UP, {"tenant": "acme", "email": "nope", "password": "123"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "password"}
    assert not User.objects.exists()


@pytest.mark.smoke
def test_sign_up_then_verify_makes_an_active_member(anonymous, acme, run_on_commit):
    with run_on_commit():
        assert sign_up(anonymous, "new@example.com").status_code == 202

    response = anonymous.post(VERIFY, {"token": key_from_outbox("new@example.com")}, format="json")

    assert response.status_code == 200
    assert response.json()["tenant"] == "acme"
    person = User.objects.get(email="new@example.com")
    assert person.status == UserStatus.ACTIVE
    assert Membership.objects.get(user=person).status == MembershipStatus.ACTIVE
    again = anonymous.post(VERIFY, {"token": key_from_outbox("new@example.com")}, format="json")
    assert again.status_code == 400
    assert list(again.json()["fields"]) == ["token"]


def test_retrying_a_sign_up_with_its_key_answers_the_same_and_registers_once(anonymous, acme):
    first = sign_up(anonymous, "new@example.com", key="retry-me")
    second = sign_up(anonymous, "new@example.com", key="retry-me")

    assert (first.status_code, second.status_code) == (202, 202)
    with scope.tenant(acme):
        assert Registration.objects.count() == 1


def test_resending_a_verification_answers_the_same_either_way(anonymous, acme):
    sign_up(anonymous, "new@example.com")

    waiting = anonymous.post(RESEND, {"tenant": "acme", "email": "new@example.com"}, format="json")
    unknown = anonymous.post(RESEND, {"tenant": "acme", "email": "nobody@example.com"}, format="json")

    assert waiting.status_code == unknown.status_code == 202
    assert waiting.json() == unknown.json()


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(anonymous, ana, run_on_commit):
    with run_on_commit():
        known = anonymous.post(RESET, {"email": "ana@example.com"}, format="json")
        unknown = anonymous.post(RESET, {"email": "nobody@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]

    confirmed = anonymous.post(
        RESET_CONFIRM, {"token": key_from_outbox("ana@example.com"), "password": PASSWORD}, format="json"
    )
    assert confirmed.status_code == 200
    ana.refresh_from_db()
    assert ana.check_password(PASSWORD)


def test_a_malformed_reset_address_is_a_400_for_everyone(anonymous):
    response = anonymous.post(RESET, {"email": "not an address"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]


def test_too_many_resets_for_one_address_are_a_429(anonymous, ana):
    for _ in range(5):
        anonymous.post(RESET, {"email": "nobody@example.com"}, format="json")

    response = anonymous.post(RESET, {"email": "nobody@example.com"}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_accepting_an_invitation_over_the_api(anonymous, acme, ana, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        invite(email="new@example.com", role=Role.SALES, actor=ana)

    weak = anonymous.post(
        ACCEPT, {"token": key_from_outbox("new@example.com"), "password": "abc"}, format="json"
    )
    accepted = anonymous.post(
        ACCEPT,
        {"token": key_from_outbox("new@example.com"), "password": PASSWORD, "full_name": "Nina"},
        format="json",
    )

    assert (weak.status_code, list(weak.json()["fields"])) == (400, ["password"])
    assert accepted.status_code == 200
    assert accepted.json() == {
        "detail": "You are now a member of Acme.",
        "tenant": "acme",
        "tenant_name": "Acme",
        "email": "new@example.com",
        "new_account": True,
    }
    assert Membership.objects.get(user__email="new@example.com").role == Role.SALES


def test_a_bad_invitation_key_is_a_400(anonymous, acme):
    response = anonymous.post(ACCEPT, {"token": "forged"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["token"]


def test_the_anonymous_endpoints_ignore_a_logged_in_caller(acme, ana):
    response = api_as(ana).post(RESET, {"email": "ana@example.com"}, format="json")

    assert response.status_code == 202
