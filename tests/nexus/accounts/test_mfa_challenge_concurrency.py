"""Parallel wrong codes on PostgreSQL: each is counted before it is checked, none past a limit."""

import pytest
from django.test import RequestFactory, override_settings

from nexus.accounts.login import Via
from nexus.accounts.login_flow import (
    ChallengeExpired,
    InvalidSecondFactor,
    SecondFactorPaused,
    answer_challenge,
)
from nexus.accounts.mfa import challenges
from nexus.accounts.models import MfaChallenge
from nexus.core import scope
from nexus.core.models import OutboxEvent
from tests.factories.people import UserFactory
from tests.helpers.concurrency import run_in_parallel

from .conftest import enrol

CLIENT = challenges.ClientInfo("203.0.113.7", "pytest-agent/1.0")
BURST = 25


def guess_on(challenge_ids: list[str]):
    def guess(i: int) -> object:
        request = RequestFactory().post("/", REMOTE_ADDR=CLIENT.ip_address, HTTP_USER_AGENT=CLIENT.user_agent)
        return answer_challenge(request, challenge_ids[i % len(challenge_ids)], "000000", via=Via.TOKEN)

    return guess


def checked_codes() -> int:
    with scope.system_context("test: read the global outbox"):
        return OutboxEvent.objects.filter(name="accounts.login_failed").count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(NEXUS_MFA_CHALLENGE_ATTEMPTS=5, NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=100)
def test_twenty_five_parallel_wrong_codes_on_one_challenge_check_at_most_five():
    user = UserFactory.create(email="target@example.com")
    enrol(user)
    challenge = challenges.create_challenge(user.pk, CLIENT, data={"via": Via.TOKEN.value})

    outcomes = run_in_parallel(guess_on([challenge.id]), BURST)

    errors = [type(o.error) for o in outcomes]
    assert errors.count(InvalidSecondFactor) == 5
    assert errors.count(ChallengeExpired) == BURST - 5
    assert checked_codes() == 5
    assert not MfaChallenge.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(NEXUS_MFA_CHALLENGE_ATTEMPTS=5, NEXUS_MFA_ACCOUNT_FAILURE_LIMIT=5)
def test_twenty_five_parallel_wrong_codes_across_five_challenges_check_at_most_the_accounts_limit():
    user = UserFactory.create(email="target@example.com")
    enrol(user)
    ids = [challenges.create_challenge(user.pk, CLIENT, data={"via": Via.TOKEN.value}).id for _ in range(5)]

    outcomes = run_in_parallel(guess_on(ids), BURST)

    errors = [type(o.error) for o in outcomes]
    assert errors.count(InvalidSecondFactor) == 5
    assert all(e in (InvalidSecondFactor, SecondFactorPaused, ChallengeExpired) for e in errors)
    assert checked_codes() == 5
