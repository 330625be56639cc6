"""The embedded mode's scheduler: beat's schedule from settings, its task functions, one per process."""

import logging
import threading
from datetime import timedelta

import pytest
from celery.schedules import crontab, schedule
from django.core.cache import cache
from django.utils import timezone

from nexus.celery import app
from nexus.core.embedded_scheduler import (
    EmbeddedScheduler,
    start_embedded_scheduler,
    stop_embedded_scheduler,
)
from nexus.core.events import OutboxEvent
from nexus.core.heartbeat import HEARTBEAT_KEY
from nexus.core.models import AuditEvent
from nexus.core.scope import system_context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_scheduler_left_running():
    yield
    stop_embedded_scheduler()


def scheduler_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "embedded-scheduler"]


def all_due(scheduler: EmbeddedScheduler) -> EmbeddedScheduler:
    """Make every job due, as if the scheduler had last run them two days ago."""
    for job in scheduler.jobs:
        job.last_run_at = app.now() - timedelta(days=2)
    return scheduler


def test_the_jobs_are_beats_schedule_from_the_settings(settings):
    scheduler = EmbeddedScheduler.from_settings()

    assert [(job.name, job.task) for job in scheduler.jobs] == [
        (name, entry["task"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]
    sealer = next(job for job in scheduler.jobs if job.name == "audit-sealer")
    assert sealer.schedule == schedule(timedelta(seconds=5))
    purge = next(job for job in scheduler.jobs if job.name == "purge-expired")
    assert purge.schedule == crontab(hour=3, minute=17)


def test_a_job_is_first_due_one_period_after_the_start(settings):
    settings.CELERY_BEAT_SCHEDULE = {"audit-sealer": {"task": "core.seal_audit", "schedule": 5.0}}
    scheduler = EmbeddedScheduler.from_settings()

    ran, wait = scheduler.run_due()

    assert ran == []
    assert 4.0 < wait <= 5.0


def test_due_jobs_run_the_task_functions(settings):
    cache.delete(HEARTBEAT_KEY)
    with system_context("test"):
        event = AuditEvent.objects.create(actor_kind="system", action="test.happened")
        stranded = OutboxEvent.objects.create(
            name="test.stranded", payload={}, occurred_at=timezone.now() - timedelta(minutes=1)
        )
    scheduler = all_due(EmbeddedScheduler.from_settings())

    ran, _ = scheduler.run_due()

    assert ran == list(settings.CELERY_BEAT_SCHEDULE)
    with system_context("test"):
        event.refresh_from_db()
        stranded.refresh_from_db()
    assert event.sealed_at is not None  # core.seal_audit
    assert len(event.hash) == 64
    assert stranded.enqueued_at is not None  # core.sweep_outbox
    assert cache.get(HEARTBEAT_KEY) is not None  # core.beat_heartbeat
    assert scheduler.run_due()[0] == []  # each waits for its next time


def test_a_failing_job_is_logged_and_the_others_still_run(settings, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": "tests.no_such_task", "schedule": 5.0},
        "beat-heartbeat": {"task": "core.beat_heartbeat", "schedule": 30.0},
    }
    cache.delete(HEARTBEAT_KEY)
    scheduler = all_due(EmbeddedScheduler.from_settings())

    with caplog.at_level(logging.ERROR, logger="nexus.core.embedded_scheduler"):
        ran, _ = scheduler.run_due()

    assert ran == ["broken", "beat-heartbeat"]
    assert cache.get(HEARTBEAT_KEY) is not None
    assert [record.getMessage() for record in caplog.records] == [
        "embedded scheduler: job broken (tests.no_such_task) failed"
    ]


def test_the_scheduler_starts_once_per_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = True, ""

    first = start_embedded_scheduler()
    second = start_embedded_scheduler()

    assert first is not None
    assert second is first
    assert first.thread is not None
    assert first.thread.is_alive()
    assert len(scheduler_threads()) == 1

    stop_embedded_scheduler()
    assert first.thread.is_alive() is False
    assert scheduler_threads() == []


def test_with_a_broker_beat_runs_the_jobs_and_no_scheduler_starts(settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, "redis://127.0.0.1:6379/0"

    assert start_embedded_scheduler() is None
    assert scheduler_threads() == []
