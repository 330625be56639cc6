"""The admin's login in two steps, the step-up prompt before a role change, and the enrolment gate."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from nexus.accounts.login_flow import mfa_failure_counter
from nexus.accounts.models import Device, DeviceKind, MfaChallenge
from nexus.accounts.stepup import SESSION_KEY
from nexus.core import counters
from nexus.tenancy.models import Membership, Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory

from .conftest import current_code, enrol, time_passes

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
CODE = "/admin/login/code/"


def post_password(client, email="ana@example.com", password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR="203.0.113.20")


def test_without_a_second_factor_the_password_logs_in_and_records_the_session(client, ana):
    response = post_password(client)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.pk)
    device = Device.objects.get(user=ana)
    assert (device.kind, device.session_key) == (DeviceKind.SESSION, client.session.session_key)
    assert client.get("/admin/").status_code == 200


def test_with_a_second_factor_the_admin_asks_for_the_code_before_logging_in(client, ana):
    secret = enrol(ana)
    first = post_password(client)

    assert first.status_code == 302
    assert first["Location"].startswith(CODE)
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # not logged in yet

    wrong = client.post(CODE, {"code": "000000"}, REMOTE_ADDR="203.0.113.20")
    assert wrong.status_code == 200
    assert "The code is not valid; 4 attempts left." in wrong.content.decode()
    done = client.post(CODE, {"code": current_code(secret)}, REMOTE_ADDR="203.0.113.20")
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(ana.pk)
    assert SESSION_KEY in client.session
    assert Device.objects.get(user=ana).mfa_verified_at is not None


def test_a_wrong_password_on_the_admin_shows_the_form_again_without_asking_a_code(client, ana):
    enrol(ana)
    response = post_password(client, password="nope")
    assert response.status_code == 200
    assert "Please enter the correct email address and password" in response.content.decode()


def test_a_role_change_in_the_admin_asks_for_a_fresh_code_and_comes_back(client, ana, acme):
    secret = enrol(ana)
    colleague = MembershipFactory.create(tenant=acme, role=Role.SALES)
    post_password(client)
    client.post(CODE, {"code": current_code(secret)}, REMOTE_ADDR="203.0.113.20")
    session = client.session
    session[SESSION_KEY] = (timezone.now() - dt.timedelta(minutes=30)).isoformat()
    session.save()
    change = f"/admin/tenancy/membership/{colleague.pk}/change/"

    asked = client.post(change, {"role": Role.MANAGER})
    assert asked.status_code == 302
    assert (
        asked["Location"]
        == f"/admin/step-up/?next=%2Fadmin%2Ftenancy%2Fmembership%2F{colleague.pk}%2Fchange%2F"
    )
    colleague.refresh_from_db()
    assert colleague.role == Role.SALES

    time_passes(ana)
    back = client.post(
        asked["Location"], {"code": current_code(secret), "next": change}, REMOTE_ADDR="203.0.113.20"
    )
    assert back.status_code == 302
    assert back["Location"] == change
    assert client.post(change, {"role": Role.MANAGER}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == Role.MANAGER


def test_past_the_grace_period_the_admin_only_lets_the_person_enrol(client, ana, acme):
    Membership.objects.filter(user=ana).update(created_at=timezone.now() - dt.timedelta(days=30))
    response = post_password(client)
    assert response["Location"] == "/admin/mfa/"
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/tenancy/membership/")["Location"] == "/admin/mfa/"

    client.post("/admin/mfa/", {"action": "start", "name": "Phone"})
    page = client.get("/admin/mfa/")
    assert "<svg" in page.content.decode()
    secret = page.context["pending"].secret
    done = client.post("/admin/mfa/", {"action": "confirm", "code": current_code(secret)})
    assert done.status_code == 200
    assert len(done.context["recovery_codes"]) == 10
    assert client.get("/admin/").status_code == 200


@override_settings(NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=2)
def test_a_paused_second_factor_is_explained_on_the_admin_login_form(client, ana):
    enrol(ana)
    for _ in range(2):
        counters.count(mfa_failure_counter(ana.pk), dt.timedelta(minutes=15))

    page = post_password(client)

    assert page.status_code == 200
    assert "Too many wrong codes were entered for this account" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not MfaChallenge.objects.exists()
