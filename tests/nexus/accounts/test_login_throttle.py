"""The API's throttles know the client by the one trusted address, not by what it writes."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from nexus.core.api import throttling

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"


@pytest.fixture
def sixty_a_minute(monkeypatch):
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", {"anon": "60/minute"})


def ninety_logins(forwarded_for) -> list[int]:
    client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT="pytest")
    body = {"email": "nobody@example.com", "password": "wrong"}
    return [
        client.post(LOGIN, body, format="json", HTTP_X_FORWARDED_FOR=forwarded_for(n)).status_code
        for n in range(90)
    ]


@override_settings(NEXUS_TRUSTED_PROXY_COUNT=0)
def test_a_rotating_forwarded_for_is_ignored_without_trusted_proxies(sixty_a_minute):
    answers = ninety_logins(lambda n: f"198.51.100.{n}")
    assert (answers.count(400), answers.count(429)) == (60, 30)
    assert answers[59:61] == [400, 429]


@override_settings(NEXUS_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_only_the_hop_it_appended_counts(sixty_a_minute):
    # The client writes the left part; the proxy appends the address it saw.
    answers = ninety_logins(lambda n: f"198.51.100.{n}, 203.0.113.5")
    assert (answers.count(400), answers.count(429)) == (60, 30)
