"""The failure counter: counted before the password, cooled off at the limit, cleared by success."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.utils import timezone

from nexus.accounts import lockout
from nexus.accounts.client import ClientInfo
from nexus.accounts.models import LoginThrottle
from nexus.core import scope
from nexus.core.models import OutboxEvent
from tests.factories.people import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CLIENT = ClientInfo(ip_address="203.0.113.9", user_agent="pytest")


def attempt(email: str, password: str, ip: str = "203.0.113.9"):
    request = RequestFactory().post("/login/", REMOTE_ADDR=ip, HTTP_USER_AGENT="pytest")
    return authenticate(request, username=email, password=password)


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=3, NEXUS_LOGIN_COOLOFF_SECONDS=60)
def test_the_pair_cools_off_at_the_limit_and_refuses_even_the_right_password():
    user = UserFactory.create(email="ana@example.com")
    for _ in range(3):
        assert attempt("ana@example.com", "wrong") is None

    throttle = LoginThrottle.objects.get(username="ana@example.com", ip_address="203.0.113.9")
    assert (throttle.attempts, throttle.failures, throttle.lockouts, throttle.user_id) == (3, 3, 1, user.pk)
    assert throttle.locked_until is not None
    assert attempt("ANA@example.com", TEST_PASSWORD) is None  # cooling off: not even checked
    throttle.refresh_from_db()
    assert (throttle.attempts, throttle.failures) == (4, 3)
    # Another address is another pair.
    assert attempt("ana@example.com", TEST_PASSWORD, ip="198.51.100.1") == user


@override_settings(
    NEXUS_LOGIN_FAILURE_LIMIT=2, NEXUS_LOGIN_COOLOFF_SECONDS=60, NEXUS_LOGIN_COOLOFF_MAX_SECONDS=200
)
def test_each_consecutive_cool_off_is_longer_and_capped():
    UserFactory.create(email="bo@example.com")
    start = timezone.now()
    waits = []
    for round_ in range(4):
        now = start + dt.timedelta(hours=round_)
        for _ in range(2):
            reservation = lockout.reserve_attempt("bo@example.com", CLIENT, now=now)
            assert reservation.allowed
            started = lockout.record_failure(
                reservation, user_id=None, reason="bad_credentials", client=CLIENT, now=now
            )
        assert started is not None
        assert started.locked_until is not None
        waits.append((started.locked_until - now).total_seconds())
        assert not lockout.reserve_attempt("bo@example.com", CLIENT, now=now).allowed
    assert waits == [60, 120, 200, 200]


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=3)
def test_a_correct_password_clears_the_pair_and_is_never_counted_as_a_failure():
    user = UserFactory.create(email="cy@example.com")
    assert attempt("cy@example.com", "wrong") is None
    assert attempt("cy@example.com", "wrong") is None
    assert attempt("cy@example.com", TEST_PASSWORD) == user
    assert not LoginThrottle.objects.filter(username="cy@example.com").exists()
    # A fresh window: two more failures do not lock.
    assert attempt("cy@example.com", "wrong") is None
    assert attempt("cy@example.com", "wrong") is None
    assert attempt("cy@example.com", TEST_PASSWORD) == user


def test_cool_off_ends_and_a_new_window_starts():
    UserFactory.create(email="di@example.com")
    now = timezone.now()
    with override_settings(NEXUS_LOGIN_FAILURE_LIMIT=1, NEXUS_LOGIN_COOLOFF_SECONDS=30):
        first = lockout.reserve_attempt("di@example.com", CLIENT, now=now)
        lockout.record_failure(first, user_id=None, reason="bad_credentials", client=CLIENT, now=now)
        assert not lockout.reserve_attempt(
            "di@example.com", CLIENT, now=now + dt.timedelta(seconds=29)
        ).allowed
        later = lockout.reserve_attempt("di@example.com", CLIENT, now=now + dt.timedelta(seconds=31))
    assert later.allowed
    assert later.attempt == 1
    throttle = LoginThrottle.objects.get(username="di@example.com")
    assert (throttle.failures, throttle.lockouts, throttle.locked_until) == (0, 1, None)


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=3, NEXUS_LOGIN_ATTEMPT_SETTLE_SECONDS=30)
def test_an_attempt_that_never_settles_stops_counting_after_the_settle_time():
    user = UserFactory.create(email="ed@example.com")
    now = timezone.now()
    for _ in range(2):
        failed = lockout.reserve_attempt("ed@example.com", CLIENT, now=now)
        lockout.record_failure(failed, user_id=user.pk, reason="bad_credentials", client=CLIENT, now=now)
    crashed = lockout.reserve_attempt("ed@example.com", CLIENT, now=now)  # its worker died: never settled
    assert crashed.allowed

    # While it may still be checking, it counts: the pair is at its limit.
    assert not lockout.reserve_attempt("ed@example.com", CLIENT, now=now + dt.timedelta(seconds=1)).allowed
    # Once nothing was reserved for the settle time, the lost attempts are forgotten.
    later = lockout.reserve_attempt("ed@example.com", CLIENT, now=now + dt.timedelta(seconds=32))
    assert later.allowed
    throttle = LoginThrottle.objects.get(username="ed@example.com")
    assert (throttle.failures, throttle.in_flight, throttle.locked_until) == (2, 1, None)
    assert not lockout.active_lockouts(now=now + dt.timedelta(seconds=32)).exists()


@override_settings(NEXUS_LOGIN_FAILURE_LIMIT=3, NEXUS_LOGIN_FAILURE_WINDOW_SECONDS=600)
def test_failures_count_within_the_window_only():
    UserFactory.create(email="flo@example.com")
    start = timezone.now()
    for minutes in (0, 1, 11, 12):  # two in one window, two in the next
        now = start + dt.timedelta(minutes=minutes)
        reservation = lockout.reserve_attempt("flo@example.com", CLIENT, now=now)
        assert reservation.allowed
        assert lockout.record_failure(reservation, user_id=None, reason="x", client=CLIENT, now=now) is None
    throttle = LoginThrottle.objects.get(username="flo@example.com")
    assert (throttle.attempts, throttle.failures, throttle.lockouts, throttle.locked_until) == (2, 2, 0, None)


@override_settings(
    NEXUS_LOGIN_FAILURE_LIMIT=5,
    NEXUS_LOGIN_ACCOUNT_FAILURE_LIMIT=4,
    NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS=2,
    NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS=60,
)
def test_many_addresses_on_one_account_slow_it_down_without_locking_it_and_tell_the_owner():
    user = UserFactory.create(email="gus@example.com")
    for i in range(4):
        assert attempt("gus@example.com", "wrong", ip=f"198.51.100.{i}") is None
    # At the account limit: one check per delay, from any address.
    assert attempt("gus@example.com", "wrong", ip="198.51.100.50") is None
    with pytest.raises(lockout.LoginSlowed) as refused:
        attempt("gus@example.com", TEST_PASSWORD, ip="198.51.100.51")
    assert refused.value.retry_after == 2
    assert refused.value.status == 429
    assert not LoginThrottle.objects.filter(ip_address="198.51.100.51").exists()  # nothing counted

    # After the delay a check passes again: the account is slowed, not locked.
    lockout.pace_account("gus@example.com", now=timezone.now() + dt.timedelta(seconds=3))
    assert not lockout.active_lockouts().exists()
    with scope.system_context("test: read the global outbox"):
        slowed = [e.payload for e in OutboxEvent.objects.filter(name="accounts.login_slowed")]
    assert [(p["user_id"], p["failures"]) for p in slowed] == [(user.pk, 4)]


@override_settings(NEXUS_LOGIN_ACCOUNT_DELAY_SECONDS=2, NEXUS_LOGIN_ACCOUNT_DELAY_MAX_SECONDS=60)
def test_the_account_delay_doubles_up_to_its_maximum():
    assert [lockout.account_delay(over).total_seconds() for over in (0, 1, 2, 5, 6, 1000)] == [
        2,
        4,
        8,
        60,
        60,
        60,
    ]
