"""Transaction helpers for tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back.

    Hypothesis runs many examples inside one test (one database transaction under the ``db``
    fixture); wrapping each example in this keeps every example's rows from leaking into the next.
    """
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
