"""The login API with lockout and a second factor; the admin's login shares the same counter."""

import pytest
from django.test import override_settings
from django.urls import reverse

from nexus.accounts.mfa import recovery_codes
from nexus.accounts.models import Device, LoginThrottle, LoginToken
from nexus.core import scope
from nexus.core.models import OutboxEvent
from tests.factories.people import TEST_PASSWORD

from .conftest import bearer, current_code, enrol, time_passes

LOGIN = "/api/v1/auth/login/"
VERIFY = "/api/v1/auth/mfa/verify/"
SESSIONS = "/api/v1/auth/sessions/"

pytestmark = pytest.mark.django_db


def events(name: str) -> list[dict]:
    with scope.system_context("test: read the global outbox"):
        return [e.payload for e in OutboxEvent.objects.filter(name=name).order_by("pk")]


def log_in(client, email="ana@example.com", password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, format="json", **extra)


@pytest.mark.smoke
@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=2)
def test_the_lockout_answer_equals_the_wrong_password_answer(client_api, ana):
    wrong = log_in(client_api, password="not-it")
    log_in(client_api, password="not-it")
    locked = log_in(client_api)  # the right password, while cooling off
    unknown = log_in(client_api, email="nobody@example.com", password="not-it")

    assert wrong.status_code == locked.status_code == unknown.status_code == 400
    assert wrong.json() == locked.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"
    assert not Device.objects.filter(user=ana).exists()
    assert [e["reason"] for e in events("accounts.login_failed")] == [
        "bad_credentials",
        "bad_credentials",
        "cooling_off",
        "bad_credentials",
    ]
    [locked_out] = events("accounts.locked_out")
    assert (locked_out["user_id"], locked_out["failures"], locked_out["ip_address"]) == (
        ana.pk,
        2,
        "203.0.113.20",
    )


@override_settings(NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT=2, NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS=2)
def test_a_paced_account_is_answered_429_with_retry_after_in_the_api_and_an_error_in_the_admin(
    client, client_api, ana
):
    for i in range(3):  # two reach the account limit; the third is the paced check let through
        assert log_in(client_api, password="nope", REMOTE_ADDR=f"198.51.100.{i}").status_code == 400

    paced = log_in(client_api, REMOTE_ADDR="198.51.100.9")
    assert paced.status_code == 429
    assert paced["Retry-After"] == "2"
    assert paced.json() == {
        "code": "login_slowed",
        "detail": "Too many failed sign-ins for this account; try again in 2 seconds.",
    }
    page = client.post(
        reverse("admin:login"),
        {"username": "ana@example.com", "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert page.status_code == 200
    assert "Too many failed sign-ins for this account" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not LoginThrottle.objects.filter(ip_address="198.51.100.9").exists()


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=3)
def test_the_admin_and_the_api_share_the_lockout(client, client_api, ana):
    admin_login = reverse("admin:login")
    for _ in range(2):
        page = client.post(
            admin_login, {"username": "ana@example.com", "password": "nope"}, REMOTE_ADDR="203.0.113.20"
        )
        assert page.status_code == 200  # the form again, with its error
    assert log_in(client_api, password="nope").status_code == 400  # the third failure: cooled off now

    refused = client.post(
        admin_login, {"username": "ana@example.com", "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.20"
    )
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert log_in(client_api).status_code == 400
    throttle = LoginThrottle.objects.get(username="ana@example.com", ip_address="203.0.113.20")
    assert (throttle.attempts, throttle.failures, throttle.lockouts) == (5, 3, 1)


def test_a_password_without_a_second_factor_gives_a_token_of_a_new_family(client_api, ana):
    answer = log_in(client_api)

    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "authenticated"
    token = LoginToken.objects.get(user=ana)
    assert body["device_id"] == token.device_id
    assert client_api.get(SESSIONS, **bearer(body["token"])).status_code == 200
    [issued] = events("accounts.token_issued")
    assert (issued["token_id"], issued["family_id"]) == (token.pk, token.device_id)
    [succeeded] = events("accounts.login_succeeded")
    assert (succeeded["mfa_used"], succeeded["new_device"]) == (False, True)


@pytest.mark.smoke
def test_a_person_with_a_second_factor_gets_a_challenge_then_a_token_for_the_code(client_api, ana):
    secret = enrol(ana)
    answer = log_in(client_api)

    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "mfa_required"
    assert set(body) == {"status", "challenge_id", "challenge_expires_in"}
    assert not LoginToken.objects.filter(user=ana).exists()

    done = client_api.post(
        VERIFY, {"challenge_id": body["challenge_id"], "code": current_code(secret)}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "authenticated"
    token = LoginToken.objects.get(user=ana)
    assert token.device.mfa_verified_at is not None
    # The challenge is used up.
    time_passes(ana)
    again = client_api.post(
        VERIFY, {"challenge_id": body["challenge_id"], "code": current_code(secret)}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["code"] == "mfa_challenge_invalid"
    assert LoginToken.objects.filter(user=ana).count() == 1


def test_a_replayed_code_is_refused_and_wrong_codes_close_the_challenge(client_api, ana):
    secret = enrol(ana)
    first = log_in(client_api).json()["challenge_id"]
    code = current_code(secret)
    assert client_api.post(VERIFY, {"challenge_id": first, "code": code}, format="json").status_code == 200

    second = log_in(client_api).json()["challenge_id"]
    replay = client_api.post(VERIFY, {"challenge_id": second, "code": code}, format="json")
    assert replay.status_code == 400
    assert replay.json()["code"] == "invalid_code"
    assert replay.json()["fields"]["code"] == ["The code is not valid; 4 attempts left."]
    for _ in range(4):
        last = client_api.post(VERIFY, {"challenge_id": second, "code": "000000"}, format="json")
    assert "this sign-in is closed" in last.json()["detail"]
    time_passes(ana)
    closed = client_api.post(VERIFY, {"challenge_id": second, "code": current_code(secret)}, format="json")
    assert closed.json()["code"] == "mfa_challenge_invalid"
    assert LoginToken.objects.filter(user=ana).count() == 1


def test_a_recovery_code_finishes_a_login_once(client_api, ana):
    enrol(ana)
    codes = recovery_codes.replace_recovery_codes(ana.pk)

    first = log_in(client_api).json()["challenge_id"]
    assert (
        client_api.post(VERIFY, {"challenge_id": first, "code": codes[3]}, format="json").status_code == 200
    )
    second = log_in(client_api).json()["challenge_id"]
    reused = client_api.post(VERIFY, {"challenge_id": second, "code": codes[3]}, format="json")
    assert reused.status_code == 400
    assert recovery_codes.remaining_recovery_codes(ana.pk) == 9


def test_a_challenge_answered_from_another_client_is_refused(client_api, ana):
    from rest_framework.test import APIClient

    secret = enrol(ana)
    challenge = log_in(client_api).json()["challenge_id"]
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT="other")
    answer = elsewhere.post(VERIFY, {"challenge_id": challenge, "code": current_code(secret)}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "mfa_challenge_invalid"
    assert not LoginToken.objects.filter(user=ana).exists()
