"""The shared Redis (cache and broker) stops under a running client, then comes back.

Reads and writes go on answering, readiness says "degraded" (200), events wait in the outbox,
and once Redis is back everything uses it again. The Redis is the test's own subprocess.
"""

import base64
import json
import time
from collections.abc import Iterator

import pytest
import redis
from django.test import override_settings
from rest_framework.test import APIClient

from nexus.accounts.models import Device, DeviceKind
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.events.sweeper import sweep
from nexus.core.models import OutboxEvent
from nexus.inventory.models import Product
from nexus.settings.base import cache_from_env
from nexus.tenancy.models import Role
from tests.factories.people import TEST_PASSWORD, MembershipFactory, TenantFactory, UserFactory
from tests.helpers.celery_worker import configured
from tests.helpers.redis_server import RedisServer, own_redis_server

pytestmark = pytest.mark.django_db(transaction=True)

RETRY_AFTER = 0.3


@pytest.fixture
def shared_redis(settings) -> Iterator[RedisServer]:
    """Cache, throttles and broker on a Redis of the test's own, configured as in production."""
    from nexus.celery import app

    with own_redis_server() as server:
        settings.CELERY_BROKER_URL = server.url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.HEALTH_CHECK_TIMEOUT = 1.5
        caches = {"default": cache_from_env(server.url, retry_after=RETRY_AFTER)}
        with (
            override_settings(CACHES=caches),
            configured(app, broker_url=server.url, task_always_eager=False),
        ):
            yield server


def newest_login_event(**lookup: int) -> OutboxEvent:
    with scope.system_context("tests: reading the global outbox"):
        return OutboxEvent.objects.filter(name="accounts.login_succeeded", **lookup).latest("pk")


def queued_event_ids(server: RedisServer) -> set[int]:
    """Events whose delivery task waits in the broker's default queue (no worker runs here)."""
    messages: list[bytes] = redis.Redis.from_url(server.url).lrange("celery", 0, -1)  # type: ignore[assignment]
    return {json.loads(base64.b64decode(json.loads(raw)["body"]))[0][0] for raw in messages}


def test_the_api_serves_through_a_redis_outage_and_recovers(shared_redis):
    tenant = TenantFactory.create(slug="acme")
    user = UserFactory.create(email="ana@example.com")
    MembershipFactory.create(user=user, tenant=tenant, role=Role.ADMIN)
    device = Device.objects.create(user=user, kind=DeviceKind.TOKEN)
    api = APIClient(HTTP_X_TENANT="acme", HTTP_AUTHORIZATION=f"Token {issue_login_token(user, device).key}")
    anonymous = APIClient()

    def serve(sku: str) -> OutboxEvent:
        """A read, a write, a login (which publishes an event with listeners); its event."""
        assert api.get("/api/v1/products/").status_code == 200
        created = api.post("/api/v1/products/", {"sku": sku, "name": sku}, format="json")
        assert created.status_code == 201, created.json()
        login = anonymous.post(
            "/api/v1/auth/login/", {"email": "ana@example.com", "password": TEST_PASSWORD}, format="json"
        )
        assert login.status_code == 200, login.json()
        return newest_login_event()

    before = serve("BEFORE")
    ready = anonymous.get("/health/ready/")
    assert (ready.status_code, ready.json()["status"], ready.json()["degraded"]) == (200, "ok", [])
    assert before.pk in queued_event_ids(shared_redis)
    assert redis.Redis.from_url(shared_redis.url).keys("*throttle_user*")  # throttles count in Redis

    shared_redis.stop()
    during = serve("DURING")
    ready = anonymous.get("/health/ready/")
    body = ready.json()
    assert (ready.status_code, body["status"], body["failing"], body["degraded"]) == (
        200,
        "degraded",
        [],
        ["broker", "cache"],
    )
    assert [body["checks"][name]["state"] for name in ("database", "cache", "broker")] == [
        "ok",
        "degraded",
        "degraded",
    ]
    assert during.enqueued_at is None  # committed; waits in the outbox for the broker

    shared_redis.start()  # empty: it keeps nothing on disk
    time.sleep(RETRY_AFTER + 0.1)  # the breaker's pause; the next call probes Redis again
    after = serve("AFTER")
    ready = anonymous.get("/health/ready/")
    assert (ready.status_code, ready.json()["status"], ready.json()["degraded"]) == (200, "ok", [])
    assert redis.Redis.from_url(shared_redis.url).keys("*throttle_user*")  # counting in Redis again
    assert after.pk in queued_event_ids(shared_redis)
    with override_settings(OUTBOX_SWEEP_AFTER_SECONDS=0):
        sweep()
    assert newest_login_event(pk=during.pk).enqueued_at is not None
    with scope.tenant(tenant):
        assert sorted(Product.objects.values_list("sku", flat=True)) == ["AFTER", "BEFORE", "DURING"]
