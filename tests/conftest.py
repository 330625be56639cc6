"""The test harness: database choice, on-commit execution, Celery worker, hypothesis profiles."""

import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.helpers.celery_worker import worker_on_redis

hypothesis_settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "ci",
    parent=hypothesis_settings.get_profile("default"),
    derandomize=True,
    print_blob=True,
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


def pytest_report_header(config: pytest.Config) -> str:
    db = settings.DATABASES["default"]
    where = f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}"
    if db.get("USER"):
        where += f" as role {db['USER']!r}"
    return f"nexus test database: {where} ({os.environ.get('NEXUS_TEST_DB_LABEL', 'chosen by settings')})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    reason = f"needs PostgreSQL; this run uses {connection.vendor}"
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Context manager that runs the ``on_commit`` callbacks registered inside it.

    The ``db`` fixture wraps each test in a transaction that never commits, so without this
    nothing scheduled "after commit" would ever run and outbox tests would pass by doing nothing.
    """
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Celery]:
    """An in-process Celery worker consuming from Redis (skipped without Redis, failed in CI)."""
    from nexus.celery import app

    with worker_on_redis(app, settings.TEST_REDIS_URL) as configured:
        yield configured
