"""A refresh retried with the token it just replaced gets the same new token, within the grace only."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from nexus.accounts.client import ClientInfo
from nexus.accounts.models import Device, LoginToken
from nexus.accounts.token_families import rotate
from nexus.accounts.tokens import issue_login_token
from nexus.tenancy.models import Role
from tests.factories.people import MembershipFactory, TenantFactory, UserFactory
from tests.helpers.concurrency import run_in_parallel

from .conftest import bearer
from .test_tokens_api import REFRESH, SESSIONS, events, token_for

pytestmark = pytest.mark.django_db


def refresh(client: APIClient, key: str):
    return client.post(REFRESH, **bearer(key))


def is_replay(response) -> bool:
    return response.status_code == 401 and "already replaced" in response.json()["detail"]


def test_a_retried_refresh_within_the_grace_gets_the_same_new_token_and_ends_nothing(client_api, ana):
    first = token_for(client_api)
    answered = refresh(client_api, first)
    retried = refresh(client_api, first)

    assert (answered.status_code, retried.status_code) == (200, 200)
    assert retried.json()["token"] == answered.json()["token"]
    assert retried.json()["device_id"] == answered.json()["device_id"]
    assert client_api.get(SESSIONS, **bearer(answered.json()["token"])).status_code == 200
    assert Device.objects.get(user=ana).revoked_at is None
    assert LoginToken.objects.filter(user=ana).count() == 2  # no third token
    assert events("accounts.token_replayed") == []
    assert len(events("accounts.token_rotated")) == 1
    old = LoginToken.objects.filter(user=ana).order_by("pk").first()
    assert old is not None
    assert old.successor_key
    assert answered.json()["token"] not in old.successor_key  # kept encrypted


def test_a_retry_after_the_grace_is_a_replay_that_ends_the_family(client_api, ana, run_on_commit):
    first = token_for(client_api)
    second = refresh(client_api, first).json()["token"]
    LoginToken.objects.filter(user=ana, replaced_at__isnull=False).update(
        replaced_at=timezone.now() - dt.timedelta(seconds=31)
    )

    with run_on_commit():
        replayed = refresh(client_api, first)

    assert is_replay(replayed)
    assert client_api.get(SESSIONS, **bearer(second)).status_code == 401
    assert Device.objects.get(user=ana).revoked_reason == "token_replayed"


def test_a_retry_once_the_successor_was_itself_refreshed_is_a_replay(client_api, ana):
    first = token_for(client_api)
    second = refresh(client_api, first).json()["token"]
    third = refresh(client_api, second).json()["token"]

    replayed = refresh(client_api, first)

    assert is_replay(replayed)
    assert client_api.get(SESSIONS, **bearer(third)).status_code == 401
    # The kept key of the first replacement is dropped once its successor was replaced in turn.
    assert [bool(t.successor_key) for t in LoginToken.objects.filter(user=ana).order_by("pk")] == [
        False,
        True,
        False,
    ]


def test_the_replaced_token_is_still_a_replay_anywhere_but_the_refresh(client_api, ana):
    first = token_for(client_api)
    second = refresh(client_api, first).json()["token"]

    assert client_api.get(SESSIONS, **bearer(first)).status_code == 401
    assert client_api.get(SESSIONS, **bearer(second)).status_code == 401
    assert Device.objects.get(user=ana).revoked_reason == "token_replayed"


def test_the_strictest_tenant_policy_sets_the_grace_and_zero_turns_retries_off(client_api, ana, acme):
    globex = TenantFactory.create(slug="globex", policies={"refresh_grace_seconds": 0})
    MembershipFactory.create(user=ana, tenant=globex, role=Role.VIEWER)
    acme.policies = {"refresh_grace_seconds": 120}
    acme.save()
    first = token_for(client_api)
    refresh(client_api, first)

    retried = refresh(client_api, first)

    assert is_replay(retried)


@override_settings(NEXUS_REFRESH_GRACE_SECONDS=5)
def test_the_default_grace_comes_from_the_setting(client_api, ana):
    first = token_for(client_api)
    refresh(client_api, first)
    LoginToken.objects.filter(user=ana, replaced_at__isnull=False).update(
        replaced_at=timezone.now() - dt.timedelta(seconds=6)
    )
    assert is_replay(refresh(client_api, first))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_refreshes_of_one_token_all_get_the_same_successor_and_end_nothing():
    person = UserFactory.create(email="racer@example.com")
    device = Device.objects.create(user=person, kind="token")
    token = issue_login_token(person, device).token
    client = ClientInfo("203.0.113.9", "race/1")

    outcomes = run_in_parallel(lambda i: rotate(LoginToken.objects.get(pk=token.pk), client).issued.key, 6)

    assert [o.error for o in outcomes if not o.ok] == []
    assert len({o.value for o in outcomes}) == 1
    assert LoginToken.objects.filter(user=person).count() == 2
    assert Device.objects.get(pk=device.pk).revoked_at is None
