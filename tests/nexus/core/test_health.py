import time

import pytest
from django.core.cache import cache

from nexus.core.heartbeat import HEARTBEAT_KEY, record_beat_heartbeat

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
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "embedded mode: tasks run in-process, no broker"
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


def test_a_stopped_broker_is_503_named_within_the_timeout(client, settings):
    # Nothing listens on port 1: the broker is down.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.HEALTH_CHECK_TIMEOUT = 1.0

    started = time.monotonic()
    response = client.get("/health/ready/")
    elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert elapsed < settings.HEALTH_CHECK_TIMEOUT + 1.5


def test_a_cache_that_loses_writes_is_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_ready_reports_the_audit_seal_lag(client):
    from nexus.core.audit import record_event
    from nexus.core.models import ActorRef

    record_event("test.happened", actor=ActorRef.system("test"), tenant_id=None)

    reports = client.get("/health/ready/").json()["reports"]

    assert reports["audit_unsealed_events"] == 1
    assert reports["audit_seal_lag_seconds"] >= 0
