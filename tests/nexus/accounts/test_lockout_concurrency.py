"""Parallel wrong passwords on PostgreSQL: every one counted, no more than a limit checked."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from nexus.accounts.lockout import LoginSlowed
from nexus.accounts.models import LoginThrottle
from nexus.core import scope
from nexus.core.models import OutboxEvent
from tests.factories.people import UserFactory
from tests.helpers.concurrency import run_in_parallel

from .hashers import CountingHasher

LIMIT = 5
BURST = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(
    NEXUS_LOGIN_FAILURE_LIMIT=LIMIT,
    PASSWORD_HASHERS=["tests.nexus.accounts.hashers.CountingHasher"],
)
def test_thirty_parallel_wrong_passwords_are_all_counted_and_at_most_the_limit_checked():
    user = UserFactory.create(email="target@example.com")
    CountingHasher.reset()

    def guess(i: int) -> object:
        request = RequestFactory().post("/api/v1/auth/login/", REMOTE_ADDR="203.0.113.7")
        return authenticate(request, username="target@example.com", password=f"guess-{i}")

    outcomes = run_in_parallel(guess, BURST)

    assert [o.error for o in outcomes if not o.ok] == []
    assert all(o.value is None for o in outcomes)
    assert CountingHasher.checks <= LIMIT
    throttle = LoginThrottle.objects.get(username="target@example.com", ip_address="203.0.113.7")
    assert throttle.attempts == BURST
    assert throttle.failures == CountingHasher.checks
    assert throttle.locked_until is not None
    assert throttle.user_id == user.pk
    with scope.system_context("test: read the global outbox"):
        assert OutboxEvent.objects.filter(name="accounts.login_failed").count() == BURST
        assert OutboxEvent.objects.filter(name="accounts.locked_out").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(
    NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT=3,
    PASSWORD_HASHERS=["tests.nexus.accounts.hashers.CountingHasher"],
)
def test_thirty_parallel_guesses_from_thirty_addresses_on_a_paced_account_check_one_password():
    UserFactory.create(email="target@example.com")
    for i in range(3):  # the account reaches its limit from three addresses
        request = RequestFactory().post("/api/v1/auth/login/", REMOTE_ADDR=f"198.51.100.{i}")
        assert authenticate(request, username="target@example.com", password="wrong") is None
    CountingHasher.reset()

    def guess(i: int) -> object:
        request = RequestFactory().post("/api/v1/auth/login/", REMOTE_ADDR=f"192.0.2.{i}")
        return authenticate(request, username="target@example.com", password=f"guess-{i}")

    outcomes = run_in_parallel(guess, BURST)

    assert CountingHasher.checks == 1
    assert [o.value for o in outcomes if o.ok] == [None]
    assert all(isinstance(o.error, LoginSlowed) for o in outcomes if not o.ok)
    assert LoginThrottle.objects.filter(ip_address__startswith="192.0.2.").count() == 1
