"""``runserver`` starts the embedded scheduler in the process that serves, once, never in the watcher."""

import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.commands import runserver as django_runserver
from django.utils import autoreload

from nexus.core import embedded_scheduler
from nexus.core.embedded_scheduler import stop_embedded_scheduler

# ``runserver`` closes its connections after checking migrations: no test transaction to keep.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(monkeypatch, settings) -> Iterator[list[int]]:
    """The embedded mode, with the serving loop replaced by a note of who would have served."""
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = True, ""
    servers: list[int] = []
    monkeypatch.setattr(
        django_runserver, "run", lambda *args, **kwargs: servers.append(threading.get_ident())
    )
    sigterm = signal.getsignal(signal.SIGTERM)  # the autoreloader installs its own handler
    yield servers
    signal.signal(signal.SIGTERM, sigterm)
    stop_embedded_scheduler()


def scheduler_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "embedded-scheduler"]


def runserver(**options: Any) -> None:
    call_command("runserver", "127.0.0.1:8799", skip_checks=True, **options)


def test_without_the_reloader_the_one_process_serves_and_schedules(served):
    runserver(use_reloader=False)

    assert len(served) == 1
    assert embedded_scheduler._started is not None
    assert len(scheduler_threads()) == 1


def test_the_reloaders_watcher_process_starts_no_scheduler(served, monkeypatch):
    monkeypatch.delenv(autoreload.DJANGO_AUTORELOAD_ENV, raising=False)
    monkeypatch.setattr(autoreload, "restart_with_reloader", lambda: 0)  # the child would serve

    with pytest.raises(SystemExit):
        runserver(use_reloader=True)

    assert served == []
    assert embedded_scheduler._started is None
    assert scheduler_threads() == []


def test_the_reloaders_serving_child_starts_it_once(served, monkeypatch):
    monkeypatch.setenv(autoreload.DJANGO_AUTORELOAD_ENV, "true")
    # Serve in this thread instead of the autoreloader's (which would also watch the files).
    monkeypatch.setattr(
        autoreload, "start_django", lambda reloader, main, *args, **kwargs: main(*args, **kwargs)
    )

    runserver(use_reloader=True)
    first = embedded_scheduler._started
    runserver(use_reloader=True)

    assert len(served) == 2
    assert first is not None
    assert embedded_scheduler._started is first
    assert len(scheduler_threads()) == 1


def test_with_a_broker_runserver_starts_no_scheduler(served, settings):
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, "redis://127.0.0.1:6379/0"

    runserver(use_reloader=False)

    assert len(served) == 1
    assert embedded_scheduler._started is None
    assert scheduler_threads() == []
