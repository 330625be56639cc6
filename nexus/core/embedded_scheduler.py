"""Celery beat's periodic jobs, run in-process when there is no broker (the embedded mode).

With no broker there is no beat and no worker: nothing would seal the audit chain, sweep the
outbox or expire registrations. The server of the embedded mode (``manage.py runserver``, see
``nexus.core.management.commands.runserver``) therefore starts one scheduler thread that reads
``CELERY_BEAT_SCHEDULE`` — the one schedule beat also reads — and runs each entry's task, the
same task function beat would have a worker run, whenever its schedule says it is due. A job
that fails is logged and tried again at its next time, as beat would.

One scheduler per process: ``start_embedded_scheduler`` starts it at most once and nothing
when a broker is configured (then beat runs the jobs).
"""

import datetime as dt
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from celery import Celery, current_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

logger = logging.getLogger(__name__)

# The longest the thread sleeps between looks at the schedule (a stop is noticed at once).
MAX_SLEEP_SECONDS = 60.0


@dataclass
class Job:
    """One entry of the beat schedule and when it last ran."""

    name: str
    task: str
    schedule: BaseSchedule
    last_run_at: dt.datetime
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def due(self) -> tuple[bool, float]:
        """Whether the job is due now, and the seconds until it should be looked at again."""
        is_due, next_in = self.schedule.is_due(self.last_run_at)
        return bool(is_due), float(next_in)


def as_schedule(value: Any, app: Celery) -> BaseSchedule:
    """A schedule entry's ``schedule`` (seconds, a timedelta, a crontab ...) as beat reads it."""
    schedule = maybe_schedule(value, app=app)
    if not isinstance(schedule, BaseSchedule):
        raise ImproperlyConfigured(f"{value!r} is not a schedule Celery beat understands.")
    return schedule


def jobs_from_schedule(schedule: Mapping[str, Mapping[str, Any]], app: Celery) -> list[Job]:
    """The jobs of a beat schedule, each first due one period from now (as beat starts them)."""
    now = app.now()
    return [
        Job(
            name=name,
            task=entry["task"],
            schedule=as_schedule(entry["schedule"], app),
            last_run_at=now,
            args=tuple(entry.get("args", ())),
            kwargs=dict(entry.get("kwargs", {})),
        )
        for name, entry in schedule.items()
    ]


class EmbeddedScheduler:
    """Run the due jobs of the beat schedule, in a thread of its own (``start``) or on demand."""

    def __init__(self, jobs: list[Job], app: Celery) -> None:
        self.jobs = jobs
        self.app = app
        # Importing the apps' task modules registers the tasks the schedule names (as a worker
        # does, but without its start-up: Django is set up already).
        app.autodiscover_tasks(force=True)
        self._stop = threading.Event()
        self.thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, app: Celery | None = None) -> "EmbeddedScheduler":
        """The scheduler of ``settings.CELERY_BEAT_SCHEDULE``."""
        app = app or current_app
        return cls(jobs_from_schedule(settings.CELERY_BEAT_SCHEDULE, app), app)

    def run_due(self) -> tuple[list[str], float]:
        """Run every job that is due; return their names and the seconds until the next look."""
        ran: list[str] = []
        wait = MAX_SLEEP_SECONDS
        for job in self.jobs:
            is_due, next_in = job.due()
            if is_due:
                job.last_run_at = self.app.now()
                self.run(job)
                ran.append(job.name)
                is_due, next_in = job.due()
            wait = min(wait, next_in)
        return ran, max(0.0, wait)

    def run(self, job: Job) -> None:
        """Run the job's task function here, in no tenant's scope; a failure is logged, never raised."""
        try:
            self.app.tasks[job.task](*job.args, **job.kwargs)
        except Exception:  # one failing job must not stop the others or the thread
            logger.exception("embedded scheduler: job %s (%s) failed", job.name, job.task)

    def start(self) -> threading.Thread:
        """Start the scheduler's daemon thread (it ends with the process or ``stop``)."""
        self.thread = threading.Thread(target=self._loop, name="embedded-scheduler", daemon=True)
        self.thread.start()
        names = ", ".join(job.name for job in self.jobs)
        logger.info("embedded scheduler: running the periodic jobs in-process (%s)", names)
        return self.thread

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                _, wait = self.run_due()
            finally:
                # This thread's connections must not stay open (and locked) between rounds.
                connections.close_all()
            self._stop.wait(wait)


_started: EmbeddedScheduler | None = None
_starting = threading.Lock()


def embedded_mode() -> bool:
    """No broker: Celery runs tasks eagerly in-process and there is no beat."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER) and not settings.CELERY_BROKER_URL


def start_embedded_scheduler() -> EmbeddedScheduler | None:
    """Start this process's scheduler in the embedded mode; nothing otherwise, nothing twice."""
    global _started
    if not embedded_mode():
        return None
    with _starting:
        if _started is None:
            scheduler = EmbeddedScheduler.from_settings()
            scheduler.start()
            _started = scheduler
        return _started


def stop_embedded_scheduler() -> None:
    """Stop this process's scheduler, if one runs (tests; the process ending stops it too)."""
    global _started
    with _starting:
        if _started is not None:
            _started.stop()
            _started = None
