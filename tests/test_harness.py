"""The harness itself works: each helper is proven by a test that would fail without it."""

import pytest
from django.db import connections, transaction
from hypothesis import given
from hypothesis import strategies as st

from nexus.accounts.models import User
from nexus.core.heartbeat import HEARTBEAT_KEY
from nexus.core.tasks import beat_heartbeat
from tests.helpers.concurrency import run_in_parallel
from tests.helpers.transactions import rolled_back


@pytest.mark.django_db
def test_run_on_commit_executes_callbacks_registered_in_the_block(run_on_commit):
    ran: list[str] = []
    with run_on_commit() as callbacks:
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("after commit"))
        assert ran == []  # not before the block ends, as after a real commit
    assert ran == ["after commit"]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_without_the_fixture_on_commit_callbacks_never_run():
    ran: list[str] = []
    with transaction.atomic():
        transaction.on_commit(lambda: ran.append("after commit"))
    assert ran == []


@pytest.mark.django_db(transaction=True)
def test_run_in_parallel_uses_one_connection_per_thread_and_closes_each():
    seen = []

    def create(index: int) -> int:
        seen.append(connections["default"])
        user = User.objects.create_user(f"parallel-{index}@example.com", "a-long-password-1")
        return user.pk

    outcomes = run_in_parallel(create, threads=4)

    assert [o.error for o in outcomes] == [None] * 4
    assert len({o.value for o in outcomes}) == 4
    assert User.objects.filter(email__startswith="parallel-").count() == 4
    assert len({id(c) for c in seen}) == 4
    assert all(c.connection is None for c in seen)


@pytest.mark.django_db(transaction=True)
def test_run_in_parallel_reports_each_threads_exception():
    def fail_odd(index: int) -> int:
        if index % 2:
            raise ValueError(f"thread {index}")
        return index

    outcomes = run_in_parallel(fail_odd, threads=4)

    assert [o.ok for o in outcomes] == [True, False, True, False]
    assert [str(o.error) for o in outcomes if not o.ok] == ["thread 1", "thread 3"]


@pytest.mark.django_db
@given(count=st.integers(min_value=1, max_value=4))
def test_rolled_back_isolates_each_hypothesis_example(count):
    with rolled_back():
        for i in range(count):
            User.objects.create_user(f"example-{i}@example.com", "a-long-password-1")
        # Without the per-example rollback the emails of earlier examples would collide
        # or accumulate, and this count would be wrong.
        assert User.objects.count() == count
    assert User.objects.count() == 0


@pytest.mark.redis
def test_celery_worker_runs_a_task_sent_through_redis(celery_worker):
    from django.core.cache import cache

    cache.delete(HEARTBEAT_KEY)
    result = beat_heartbeat.delay()

    stamp = result.get(timeout=20)

    assert result.successful()
    assert cache.get(HEARTBEAT_KEY) == stamp
    assert celery_worker.conf.broker_url.startswith("redis://")
