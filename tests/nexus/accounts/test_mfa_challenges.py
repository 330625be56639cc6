"""MFA challenges and step-up attempts live in the database: a flushed cache resets neither."""

import datetime as dt
import hashlib

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.login_flow import (
    STEP_UP_FAILURE_LIMIT,
    SecondFactorPaused,
    mfa_failure_counter,
    step_up_counter,
)
from nexus.accounts.models import Device, DeviceKind, MfaChallenge
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.models import OutboxEvent, WindowCounter
from nexus.core.retention import purge_all
from tests.factories.people import TEST_PASSWORD

from .conftest import bearer, current_code, enrol

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"
VERIFY = "/api/v1/auth/mfa/verify/"
STEP_UP = "/api/v1/auth/step-up/"


def challenge_for(client) -> str:
    body = client.post(LOGIN, {"email": "ana@example.com", "password": TEST_PASSWORD}, format="json").json()
    assert body["status"] == "mfa_required"
    return str(body["challenge_id"])


def verify(client, challenge_id: str, code: str):
    return client.post(VERIFY, {"challenge_id": challenge_id, "code": code}, format="json")


def test_a_challenge_survives_a_flushed_cache_and_is_stored_only_as_a_digest(client_api, ana):
    secret = enrol(ana)
    challenge_id = challenge_for(client_api)
    stored = MfaChallenge.objects.get(user=ana)
    assert stored.digest == hashlib.sha256(challenge_id.encode()).hexdigest()

    cache.clear()
    answer = verify(client_api, challenge_id, current_code(secret))

    assert answer.status_code == 200
    assert answer.json()["status"] == "authenticated"
    assert not MfaChallenge.objects.exists()  # used up


def test_wrong_codes_counted_against_a_challenge_survive_a_flushed_cache(client_api, ana):
    enrol(ana)
    challenge_id = challenge_for(client_api)
    for _ in range(2):
        verify(client_api, challenge_id, "000000")

    cache.clear()
    third = verify(client_api, challenge_id, "000000")

    assert third.json()["fields"]["code"] == ["The code is not valid; 2 attempts left."]
    assert MfaChallenge.objects.get().failures == 3


def test_an_expired_challenge_is_refused_and_purged(client_api, ana):
    secret = enrol(ana)
    challenge_id = challenge_for(client_api)
    MfaChallenge.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    answer = verify(client_api, challenge_id, current_code(secret))

    assert answer.json()["code"] == "mfa_challenge_invalid"
    live = challenge_for(client_api)
    assert purge_all()["accounts.expired_mfa_challenges"] == 1
    assert list(MfaChallenge.objects.values_list("digest", flat=True)) == [
        hashlib.sha256(live.encode()).hexdigest()
    ]


def test_wrong_step_up_codes_stay_counted_when_the_cache_is_flushed(ana):
    secret = enrol(ana)
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    client = APIClient(**bearer(issue_login_token(ana, device).key))
    wrong = [client.post(STEP_UP, {"code": "000000"}, format="json") for _ in range(STEP_UP_FAILURE_LIMIT)]

    cache.clear()
    right = client.post(STEP_UP, {"code": current_code(secret)}, format="json")

    assert [answer.status_code for answer in wrong] == [400] * STEP_UP_FAILURE_LIMIT
    assert right.status_code == 429
    assert right.json()["code"] == "throttled"
    device.refresh_from_db()
    assert device.mfa_verified_at is None


def test_a_right_step_up_code_clears_the_count(ana):
    secret = enrol(ana)
    device = Device.objects.create(user=ana, kind=DeviceKind.TOKEN)
    client = APIClient(**bearer(issue_login_token(ana, device).key))
    for _ in range(STEP_UP_FAILURE_LIMIT - 1):
        client.post(STEP_UP, {"code": "000000"}, format="json")

    assert client.post(STEP_UP, {"code": current_code(secret)}, format="json").status_code == 200
    assert not WindowCounter.objects.filter(name=step_up_counter(ana.pk)).exists()
    device.refresh_from_db()
    assert device.mfa_verified_at is not None


def events(name: str) -> list[dict]:
    with scope.system_context("test: read the global outbox"):
        return [e.payload for e in OutboxEvent.objects.filter(name=name).order_by("pk")]


@override_settings(NEXUS_MFA_CHALLENGE_ATTEMPTS=2, NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=3)
def test_wrong_codes_across_challenges_pause_new_logins_and_tell_the_person(client_api, ana):
    enrol(ana)
    first = challenge_for(client_api)
    assert [verify(client_api, first, "000000").status_code for _ in range(2)] == [400, 400]
    second = challenge_for(client_api)  # a fresh challenge: the account still has one code left
    third_wrong = verify(client_api, second, "000000")
    assert third_wrong.json() == {
        "code": "invalid_code",
        "detail": SecondFactorPaused.default_detail,
        "fields": {"code": [SecondFactorPaused.default_detail]},
    }

    refused = client_api.post(LOGIN, {"email": "ana@example.com", "password": TEST_PASSWORD}, format="json")

    assert refused.status_code == 429
    assert refused.json() == {"code": "mfa_paused", "detail": SecondFactorPaused.default_detail}
    assert 890 <= int(refused["Retry-After"]) <= 900
    assert not MfaChallenge.objects.exists()  # no new challenge; the open one was burned at the limit
    assert verify(client_api, second, "000000").json()["code"] == "mfa_challenge_invalid"
    [told] = events("accounts.mfa_codes_guessed")
    assert (told["user_id"], told["failures"]) == (ana.pk, 3)
    assert len(events("accounts.login_failed")) == 3


@override_settings(NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=3)
def test_a_right_code_clears_the_accounts_count_of_codes(client_api, ana):
    secret = enrol(ana)
    challenge_id = challenge_for(client_api)
    for _ in range(2):
        verify(client_api, challenge_id, "000000")
    assert verify(client_api, challenge_id, current_code(secret)).status_code == 200
    assert not WindowCounter.objects.filter(name=mfa_failure_counter(ana.pk)).exists()
    assert challenge_for(client_api)
    assert events("accounts.mfa_codes_guessed") == []
