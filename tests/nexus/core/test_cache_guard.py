"""The guarded shared cache: a circuit breaker, and this process's memory while Redis is away."""

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from nexus.core.cache_guard import CircuitBreaker, GuardedRedisCache
from nexus.settings.base import cache_from_env
from tests.factories.people import UserFactory
from tests.helpers.redis_server import free_port

TIMEOUT = 0.3


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def hung_redis() -> Iterator[str]:
    """A Redis that accepts connections and never answers (the kernel queues them; nobody reads)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def guarded(url: str, retry_after: float = 60.0) -> dict:
    config = cache_from_env(url, retry_after=retry_after)
    config["OPTIONS"].update(socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    return config


def test_after_a_failure_the_breaker_pauses_then_lets_one_probe_through():
    clock = Clock()
    breaker = CircuitBreaker("the cache", retry_after=5, clock=clock)
    assert breaker.allows()

    breaker.record_failure(ConnectionError("refused"))
    assert not breaker.allows()
    clock.now += 4.9
    assert not breaker.allows()
    clock.now += 0.2
    assert breaker.allows()  # the probe
    assert not breaker.allows()  # one at a time

    breaker.record_failure(ConnectionError("still refused"))
    assert not breaker.allows()
    clock.now += 5.1
    assert breaker.allows()
    breaker.record_success()
    assert (breaker.is_open, breaker.allows(), breaker.allows()) == (False, True, True)


def test_a_late_answer_from_before_the_failure_does_not_close_the_breaker():
    clock = Clock()
    breaker = CircuitBreaker("the cache", retry_after=5, clock=clock)
    breaker.record_failure(ConnectionError("refused"))
    breaker.record_success()  # a call that started earlier answered late
    assert breaker.is_open
    assert not breaker.allows()


def test_a_hung_redis_costs_one_timeout_then_the_process_serves_from_memory(settings, hung_redis, caplog):
    settings.CACHES = {"default": guarded(hung_redis)}
    assert isinstance(caches["default"], GuardedRedisCache)
    caplog.set_level(logging.WARNING, logger="nexus.core.cache_guard")

    started = time.monotonic()
    cache.set("first", 1)
    first = time.monotonic() - started
    started = time.monotonic()
    for number in range(50):
        cache.set(f"key-{number}", number)
        assert cache.get(f"key-{number}") == number
    assert cache.incr("key-7") == 8
    rest = time.monotonic() - started

    assert first >= TIMEOUT
    assert rest < TIMEOUT  # 101 calls, none of them waiting on Redis
    assert cache.get("first") == 1
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "is unreachable" in warnings[0]


@pytest.mark.django_db
def test_throttles_fall_back_to_a_limit_per_process(settings, monkeypatch):
    settings.CACHES = {"default": guarded(f"redis://127.0.0.1:{free_port()}/0")}  # nothing listens
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    UserFactory.create(email="ana@example.com")
    client = APIClient()

    answers = [
        client.post("/api/v1/auth/login/", {"email": "ana@example.com", "password": "wrong"}, format="json")
        for _ in range(3)
    ]

    assert [answer.status_code for answer in answers] == [400, 400, 429]
    assert answers[2].json()["code"] == "throttled"
    backend = caches["default"]
    assert isinstance(backend, GuardedRedisCache)
    assert backend.breaker.is_open


@pytest.mark.django_db
def test_readiness_reports_a_hung_cache_as_degraded_within_the_timeout(client, settings, hung_redis):
    settings.CACHES = {"default": guarded(hung_redis)}
    settings.HEALTH_CHECK_TIMEOUT = 1.0

    started = time.monotonic()
    response = client.get("/health/ready/")
    elapsed = time.monotonic() - started

    body = response.json()
    assert (response.status_code, body["status"], body["failing"], body["degraded"]) == (
        200,
        "degraded",
        [],
        ["cache"],
    )
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["state"] == "degraded"
    assert elapsed < settings.HEALTH_CHECK_TIMEOUT + 1.5
