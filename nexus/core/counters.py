"""Fixed-window counters in the database: rate limits and failure counts that must hold.

Kept out of the cache on purpose: a flushed or unreachable cache would reset them, and whoever
guesses codes or sends emails would get a fresh allowance (docs/decisions/0002). ``count``
raises a name's count in one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so
parallel requests each see their own number and none slips past a limit; the window starts
with the first count, and the first count after it ended opens a new one. Inside the caller's
transaction the count rolls back with it (a refused request may leave it uncounted).
"""

import datetime as dt

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import WindowCounter
from .retention import register_purge_rule

_TABLE = WindowCounter._meta.db_table

_COUNT_SQL = f"""
INSERT INTO {_TABLE} AS c (name, count, window_ends_at)
VALUES (%(name)s, 1, %(ends)s)
ON CONFLICT (name) DO UPDATE SET
    count = CASE WHEN c.window_ends_at <= %(now)s THEN 1 ELSE c.count + 1 END,
    window_ends_at = CASE WHEN c.window_ends_at <= %(now)s THEN %(ends)s ELSE c.window_ends_at END
RETURNING count, window_ends_at
"""  # noqa: S608  (the table name is the model's; every value is a parameter)


def count(name: str, window: dt.timedelta, *, now: dt.datetime | None = None) -> int:
    """Count one more for ``name``; return its count in the current window (1 opens a window)."""
    return count_in_window(name, window, now=now)[0]


def count_in_window(
    name: str, window: dt.timedelta, *, now: dt.datetime | None = None
) -> tuple[int, dt.datetime]:
    """Count one more for ``name``; return its count and when the current window ends."""
    now = now or timezone.now()
    params = {
        "name": name,
        "now": connection.ops.adapt_datetimefield_value(now),
        "ends": connection.ops.adapt_datetimefield_value(now + window),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL, params)
        counted, ends = cursor.fetchone()
    return int(counted), as_aware(ends)


def current(name: str, *, now: dt.datetime | None = None) -> tuple[int, dt.datetime | None]:
    """``name``'s count in its current window and when that ends, without counting ((0, None): none)."""
    found = WindowCounter.objects.filter(name=name, window_ends_at__gt=now or timezone.now()).first()
    return (found.count, found.window_ends_at) if found is not None else (0, None)


def as_aware(value: dt.datetime | str) -> dt.datetime:
    """The database's datetime as an aware one (SQLite returns the text it stored)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value


def clear(name: str) -> None:
    """Forget ``name``'s count (the next ``count`` opens a new window)."""
    WindowCounter.objects.filter(name=name).delete()


def all_counters() -> QuerySet[WindowCounter]:
    return WindowCounter.objects.all()


def register_counter_purge_rule() -> None:
    """A counter whose window has ended counts nothing any more: it goes at the next purge."""
    register_purge_rule(
        "core.ended_counter_windows", all_counters, older_than=dt.timedelta(0), field="window_ends_at"
    )
