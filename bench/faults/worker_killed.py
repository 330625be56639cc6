"""Fault: the Celery worker is killed (SIGKILL) in the middle of delivering outbox events.

On a private Redis broker (a ``redis-server`` of the check's own, on a free port) and a fresh
database on the local PostgreSQL, the production shape runs its web process, its worker and beat
(``bench/faults/shape.py``). The check commits ``--events`` notification requests (each one
outbox event whose listener delivers an in-app and an email notification; the email goes to the
worker's output, through the console backend ``make up`` uses without a mail server), kills the
worker's whole process group once part of them are delivered, checks that part is still
undelivered, starts a new worker and waits.

Passes when every event's effect exists exactly once: each event has exactly one delivery row
per listener, delivered; each notification is delivered (in-app) or sent (email) with one
attempt; each email was written once (counted in the workers' output,
``var/faults/worker_killed/worker.log``).

    .venv/bin/python bench/faults/worker_killed.py [--events 300]
"""

import argparse
import re
import shutil
import signal
from collections import Counter

from shape import Shape, free_port, fresh_database, production_env, setup_django, verdict

from tests.helpers.redis_server import RedisServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    events = parser.parse_args().events
    binary = shutil.which("redis-server")
    assert binary, "the redis-server binary is needed for a private broker"
    broker = RedisServer(binary)
    broker.start()
    env = production_env(
        DATABASE_URL=fresh_database("nexus_fault_worker_killed"),
        CELERY_BROKER_URL=broker.url,
        CACHE_URL=broker.url.removesuffix("/0") + "/1",
        NEXUS_BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
        CELERY_WORKER_CONCURRENCY="2",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    shape = Shape("worker_killed", env)
    try:
        shape.manage("migrate", "--noinput", "--verbosity", "0")
        setup_django(env)
        from nexus.core import scope

        with scope.system_context("fault check: the worker killed while delivering"):
            run(shape, events)
    finally:
        shape.stop_all()
        broker.stop()


def run(shape: Shape, events: int) -> None:
    from django.db import transaction

    from nexus.accounts.models import User
    from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent
    from nexus.notifications.models import Notification, NotificationStatus
    from nexus.notifications.services import notify

    recipient = User.objects.create_user(email="fault@example.com", password=None)
    for number in range(events):
        with transaction.atomic():  # one event each, handed to the broker after its commit
            notify(
                recipient,
                "security_alert",
                {"summary": f"Probe {number}"},
                channels=["in_app", "email"],
                tenant_id=None,
            )
    ids = list(OutboxEvent.objects.order_by("id").values_list("id", flat=True))
    print(f"{len(ids)} events committed and queued on the broker (no worker running yet)")

    def delivered() -> int:
        return OutboxDelivery.objects.filter(event_id__in=ids, status=DeliveryStatus.DELIVERED).count()

    shape.start("worker")
    shape.start("beat")
    shape.wait_until(lambda: delivered() >= events // 5, 180, "the first worker delivering a fifth")
    shape.kill("worker", signal.SIGKILL)
    at_kill = delivered()
    print(f"worker killed (SIGKILL) with {at_kill} of {events} events delivered")
    failures = []
    if at_kill >= events:
        failures.append(
            "the worker finished before it was killed: nothing was interrupted (use more --events)"
        )

    shape.start("worker")
    took = shape.wait_until(lambda: delivered() >= events, 300, "a new worker delivering the rest")
    print(f"a new worker (and the sweeper) delivered the remaining {events - at_kill} in {took:.1f} s")

    per_event = Counter(OutboxDelivery.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
    if set(per_event) != set(ids) or set(per_event.values()) != {1}:
        failures.append(f"delivery rows per event: {sorted(Counter(per_event.values()).items())}")
    notifications = Notification.objects.filter(recipient=recipient)
    done = {NotificationStatus.DELIVERED, NotificationStatus.SENT}
    wrong = [n.pk for n in notifications if n.status not in done or n.attempts != 1]
    if wrong or notifications.count() != 2 * events:
        failures.append(f"{len(wrong)} notifications not delivered exactly once (of {notifications.count()})")
    output = (shape.logs / "worker.log").read_text(errors="replace")
    emails = Counter(re.findall(r"^Subject: Security alert: Probe (\d+)$", output, re.MULTILINE))
    if sorted(emails) != sorted(str(n) for n in range(events)) or set(emails.values()) != {1}:
        failures.append(f"emails written per notification: {sorted(Counter(emails.values()).items())}")
    print(f"delivery rows per event: {sorted(Counter(per_event.values()).items())} (count: events)")
    print(f"emails written per notification: {sorted(Counter(emails.values()).items())}")
    verdict(failures)


if __name__ == "__main__":
    main()
