"""Fault: the Celery broker goes down while Nexus serves, then comes back.

The production shape (``bench/faults/shape.py``: web, worker, beat) runs on a fresh database on
the local PostgreSQL, with a Redis of the check's own as the broker and another as the cache
(``redis-server`` processes on free ports; the machine's Redis is never touched). With the
broker stopped, the check reads and writes through the API, commits ``--events`` notification
requests (outbox events a listener delivers) and asks ``/health/ready/``. Then it starts the
broker again on the same port and waits for the events.

Passes when, with the broker down, every API call answers as it does with the broker up (2xx),
readiness answers 200 ``degraded`` naming the broker (not the database nor the cache), the
events wait undelivered in the outbox; and, once the broker is back, every event is delivered
exactly once with no manual step, and readiness is ``ok`` again.

    .venv/bin/python bench/faults/broker_down.py [--events 50]
"""

import argparse
import shutil
import time
from collections import Counter

from shape import Shape, api_headers, free_port, fresh_database, production_env, setup_django, verdict

from tests.helpers.redis_server import RedisServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50)
    events = parser.parse_args().events
    binary = shutil.which("redis-server")
    assert binary, "the redis-server binary is needed for a private broker"
    broker, cache = RedisServer(binary), RedisServer(binary)
    broker.start()
    cache.start()
    env = production_env(
        DATABASE_URL=fresh_database("nexus_fault_broker_down"),
        CELERY_BROKER_URL=broker.url,
        CACHE_URL=cache.url,
        NEXUS_BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
        CELERY_WORKER_CONCURRENCY="2",
    )
    shape = Shape("broker_down", env)
    try:
        shape.manage("migrate", "--noinput", "--verbosity", "0")
        setup_django(env)
        from nexus.core import scope

        with scope.system_context("fault check: the broker down"):
            run(shape, broker, events)
    finally:
        shape.stop_all()
        broker.stop()
        cache.stop()


def api_round(shape: Shape, headers: dict[str, str], number: int) -> list[tuple[str, int, float]]:
    """A read and a write through the API: (call, status, seconds) each."""
    calls = [
        ("GET /api/v1/products/", "GET", "/api/v1/products/", None),
        (
            "POST /api/v1/products/",
            "POST",
            "/api/v1/products/",
            {"sku": f"FAULT-{number}", "name": f"Fault {number}", "unit": "pcs", "unit_decimals": 0},
        ),
        ("GET /api/v1/audit-events/", "GET", "/api/v1/audit-events/", None),
    ]
    answers = []
    for label, method, path, body in calls:
        started = time.monotonic()
        status, _body = shape.request(method, path, body, headers)
        answers.append((label, status, time.monotonic() - started))
    return answers


def run(shape: Shape, broker: RedisServer, events: int) -> None:
    from django.db import transaction

    from nexus.accounts.models import User
    from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent
    from nexus.notifications.services import notify

    failures: list[str] = []
    headers = api_headers("fault")
    recipient = User.objects.get(email="admin@fault.example.com")
    shape.start("web")
    shape.start("worker")
    shape.start("beat")
    shape.wait_until(lambda: shape.request("GET", "/health/ready/")[0] == 200, 120, "the shape ready")
    for label, status, seconds in api_round(shape, headers, 0):
        print(f"broker up:   {label:28} {status}  {seconds * 1000:6.0f} ms")

    broker.stop()
    print("broker stopped")
    for label, status, seconds in api_round(shape, headers, 1):
        print(f"broker down: {label:28} {status}  {seconds * 1000:6.0f} ms")
        if not 200 <= status < 300:
            failures.append(f"{label} answered {status} with the broker down")
    started = time.monotonic()
    for number in range(events):
        with transaction.atomic():
            notify(
                recipient,
                "security_alert",
                {"summary": f"Probe {number}"},
                channels=["in_app"],
                tenant_id=None,
            )
    print(f"{events} events committed with the broker down in {time.monotonic() - started:.1f} s")
    ids = list(OutboxEvent.objects.filter(name="notifications.requested").values_list("id", flat=True))

    def delivered() -> int:
        return OutboxDelivery.objects.filter(event_id__in=ids, status=DeliveryStatus.DELIVERED).count()

    status, body = shape.request("GET", "/health/ready/")
    print(f"readiness: {status} {body and body.get('status')} degraded={body and body.get('degraded')}")
    # The broker named, and neither the database nor the cache (the outbox may lag behind it).
    named = set(body["degraded"]) if body else set()
    if status != 200 or not body or "broker" not in named or named & {"database", "cache"}:
        failures.append(f"readiness with the broker down: {status} {body}")
    time.sleep(15)  # past OUTBOX_SWEEP_AFTER_SECONDS: the sweeper would have delivered them if it could
    waiting = len(ids) - delivered()
    print(f"after 15 s with the broker down: {waiting} of {len(ids)} events waiting in the outbox")
    if waiting != len(ids):
        failures.append(f"{len(ids) - waiting} events delivered with the broker down")

    broker.start()
    print("broker started again")
    took = shape.wait_until(lambda: delivered() == len(ids), 180, "the events delivered")
    print(f"every waiting event delivered {took:.1f} s after the broker came back")
    shape.wait_until(
        lambda: (shape.request("GET", "/health/ready/")[1] or {}).get("status") == "ok", 60, "ready"
    )
    print("readiness: ok again")
    per_event = Counter(OutboxDelivery.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
    print(f"delivery rows per event: {sorted(Counter(per_event.values()).items())} (count: events)")
    if set(per_event.values()) != {1} or len(per_event) != len(ids):
        failures.append("an event was not delivered exactly once")
    verdict(failures)


if __name__ == "__main__":
    main()
