import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from nexus.core.events import OutboxEvent
from nexus.core.heartbeat import HEARTBEAT_KEY, record_beat_heartbeat
from nexus.core.models import AuditEvent
from nexus.core.scope import system_context
from tests.helpers.redis_server import free_port

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_live_answers_without_touching_dependencies(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.smoke
def test_ready_reports_each_dependency(client):
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/health/ready/")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert (body["failing"], body["degraded"]) == ([], [])
    assert set(body["checks"]) == {"database", "cache", "broker", "audit_seal", "outbox"}
    assert all(check["ok"] and check["state"] == "ok" for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "embedded mode: tasks run in-process, no broker"
    assert body["checks"]["audit_seal"]["detail"] == "nothing waiting"
    assert body["checks"]["outbox"]["detail"] == "nothing waiting"
    assert body["reports"] == {
        "beat_heartbeat_age_seconds": None,
        "outbox_lag_seconds": None,
        "outbox_dead_deliveries": 0,
        "audit_seal_lag_seconds": 0.0,
        "audit_unsealed_events": 0,
    }


def test_ready_reports_the_beat_heartbeat_age(client):
    record_beat_heartbeat()
    age = client.get("/health/ready/").json()["reports"]["beat_heartbeat_age_seconds"]
    assert 0 <= age < 5


def test_a_stopped_broker_is_degraded_named_within_the_timeout(client, settings):
    # Nothing listens on port 1: the broker is down. Events wait in the outbox meanwhile.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_CHECK_TIMEOUT = 1.0

    started = time.monotonic()
    response = client.get("/health/ready/")
    elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["failing"], body["degraded"]) == ("degraded", [], ["broker"])
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["state"] == "degraded"
    assert body["checks"]["database"]["state"] == "ok"
    assert elapsed < settings.HEALTH_CHECK_TIMEOUT + 1.5


def test_a_cache_that_loses_writes_is_degraded(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["degraded"]) == ("degraded", ["cache"])


@pytest.mark.postgres
def test_an_unreachable_database_is_503_and_its_reports_are_not_run(client, monkeypatch):
    # The checks run in threads of their own, which connect afresh: to a port nothing listens on.
    monkeypatch.setitem(connections.settings["default"], "HOST", "127.0.0.1")
    monkeypatch.setitem(connections.settings["default"], "PORT", str(free_port()))

    response = client.get("/health/ready/")

    body = response.json()
    assert response.status_code == 503
    assert (body["status"], body["failing"], body["degraded"]) == ("unavailable", ["database"], [])
    assert body["checks"]["database"]["state"] == "down"
    assert body["checks"]["cache"]["state"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert set(body["reports"]) == {"beat_heartbeat_age_seconds"}


def test_ready_reports_the_audit_seal_lag(client):
    from nexus.core.audit import record_event
    from nexus.core.models import ActorRef

    record_event("test.happened", actor=ActorRef.system("test"), tenant_id=None)

    reports = client.get("/health/ready/").json()["reports"]

    assert reports["audit_unsealed_events"] == 1
    assert reports["audit_seal_lag_seconds"] >= 0


def _unsealed_audit_event(age: timedelta) -> None:
    with system_context("test"):
        AuditEvent.objects.create(
            actor_kind="system", action="test.happened", occurred_at=timezone.now() - age
        )


def test_an_audit_seal_lag_above_its_limit_is_degraded(client, settings):
    settings.HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS = 60.0
    _unsealed_audit_event(age=timedelta(seconds=90))

    response = client.get("/health/ready/")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["failing"], body["degraded"]) == ("degraded", [], ["audit_seal"])
    check = body["checks"]["audit_seal"]
    assert (check["ok"], check["state"]) == (False, "degraded")
    # 90 s old when made; a second or two more by the time a loaded machine reads it.
    assert re.fullmatch(r"the oldest unsealed audit event is 9[0-2]s old \(limit 60s\)", check["detail"])
    assert body["checks"]["outbox"]["state"] == "ok"


def test_an_audit_seal_lag_within_its_limit_is_ok(client, settings):
    settings.HEALTH_AUDIT_SEAL_LAG_LIMIT_SECONDS = 120.0
    _unsealed_audit_event(age=timedelta(seconds=90))

    body = client.get("/health/ready/").json()

    assert (body["status"], body["degraded"]) == ("ok", [])
    assert re.fullmatch(
        r"the oldest unsealed audit event is 9[0-2]s old \(limit 120s\)",
        body["checks"]["audit_seal"]["detail"],
    )


def test_an_outbox_lag_above_its_limit_is_degraded(client, settings):
    settings.HEALTH_OUTBOX_LAG_LIMIT_SECONDS = 120.0
    with system_context("test"):
        OutboxEvent.objects.create(
            name="test.outbox_lag",
            schema_version=1,
            payload={},
            occurred_at=timezone.now() - timedelta(seconds=300),
        )

    response = client.get("/health/ready/")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["failing"], body["degraded"]) == ("degraded", [], ["outbox"])
    check = body["checks"]["outbox"]
    assert (check["ok"], check["state"]) == (False, "degraded")
    assert re.fullmatch(
        r"the oldest event waiting for a listener is 30[0-2]s old \(limit 120s\)", check["detail"]
    )
    assert body["checks"]["audit_seal"]["state"] == "ok"
