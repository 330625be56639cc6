"""Fixed-window counters in the database: exact under concurrency, reopened after the window."""

import datetime as dt

import pytest
from django.utils import timezone

from nexus.core import counters
from nexus.core.models import WindowCounter
from nexus.core.retention import purge_all
from tests.helpers.concurrency import run_in_parallel

MINUTE = dt.timedelta(minutes=1)


@pytest.mark.smoke  # the upsert is raw SQL: SQLite runs it too
@pytest.mark.django_db
def test_counts_rise_within_the_window_and_start_again_after_it():
    start = timezone.now()

    within = [counters.count("tests:a", MINUTE, now=start + dt.timedelta(seconds=s)) for s in (0, 10, 59)]
    after = counters.count("tests:a", MINUTE, now=start + dt.timedelta(seconds=61))

    assert within == [1, 2, 3]
    assert after == 1
    assert WindowCounter.objects.get(name="tests:a").window_ends_at == start + dt.timedelta(seconds=121)


@pytest.mark.django_db
def test_clearing_forgets_the_count():
    counters.count("tests:a", MINUTE)
    counters.count("tests:b", MINUTE)

    counters.clear("tests:a")

    assert counters.count("tests:a", MINUTE) == 1
    assert counters.count("tests:b", MINUTE) == 2


@pytest.mark.django_db
def test_counters_whose_window_ended_are_purged():
    counters.count("tests:ended", MINUTE, now=timezone.now() - 2 * MINUTE)
    counters.count("tests:live", MINUTE)

    assert purge_all()["core.ended_counter_windows"] == 1
    assert list(WindowCounter.objects.values_list("name", flat=True)) == ["tests:live"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_counts_each_get_their_own_number():
    outcomes = run_in_parallel(lambda _: counters.count("tests:burst", MINUTE), threads=8)

    assert sorted(outcome.value for outcome in outcomes) == list(range(1, 9))
    assert WindowCounter.objects.get(name="tests:burst").count == 8
