"""Run code in parallel threads against a real (transactional) database."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections


@dataclass
class Outcome:
    """What one thread produced: a value or the exception it raised."""

    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_in_parallel(fn: Callable[[int], Any], threads: int, timeout: float = 60.0) -> list[Outcome]:
    """Call ``fn(i)`` in ``threads`` threads released together by a barrier.

    Each thread has its own database connections (Django's are per thread) and closes them
    when it ends, so no connection outlives the test and PostgreSQL can drop the test database.
    Needs ``transactional_db``: the threads cannot see the test's uncommitted rows otherwise.
    """
    barrier = threading.Barrier(threads)
    outcomes = [Outcome() for _ in range(threads)]

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[index].value = fn(index)
        except BaseException as exc:  # the test inspects every thread's failure
            outcomes[index].error = exc
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(i,), name=f"parallel-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"{thread.name} did not finish within {timeout}s")
    return outcomes
