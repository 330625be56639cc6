"""An in-process Celery worker on a real Redis broker, for end-to-end tests."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker


def redis_available(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def forget_connections(app: Celery) -> None:
    """Drop the connections, producers and result backend cached under the previous broker.

    ``app.close()`` releases the connection pool only; eager calls made earlier in the process
    also leave a producer pool and a thread-local result backend bound to the old settings.
    """
    app.close()
    vars(app.amqp)["_producer_pool"] = None
    vars(vars(app)["_local"]).pop("backend", None)


@contextmanager
def configured(app: Celery, **wanted: object) -> Iterator[Celery]:
    """Run the block with ``app`` configured so (``broker_url=…``), then restore its configuration."""
    # Settings loaded from Django carry a CELERY_ prefix, which wins over the plain name.
    wanted |= {f"CELERY_{key.upper()}": value for key, value in wanted.items()}
    saved = {key: app.conf.get(key) for key in wanted}
    app.conf.update(wanted)
    forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        forget_connections(app)


@contextmanager
def worker_on_redis(app: Celery, url: str) -> Iterator[Celery]:
    """Point ``app`` at Redis (broker and results), run a worker thread, then restore it.

    Under CI a missing Redis fails the test instead of skipping it, so that the end-to-end
    path can never turn green by not running.
    """
    if not redis_available(url):
        message = f"Redis is not reachable at {url}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    redis.Redis.from_url(url).flushdb()
    with (
        configured(app, broker_url=url, result_backend=url, task_always_eager=False),
        start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10),
    ):
        yield app
