"""Counts within a fixed window (rate limits, failure counts), kept where a lost cache cannot reset them."""

from django.db import models


class WindowCounter(models.Model):
    """How often ``name`` happened in its current window, which ends at ``window_ends_at``.

    A global row (no tenant): names are built by their owners, e.g. ``accounts:step-up:42``.
    Written only through ``nexus.core.counters``; rows of ended windows are purged.
    """

    name = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField()
    window_ends_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "window counter"

    def __str__(self) -> str:
        return f"{self.name}: {self.count} until {self.window_ends_at:%Y-%m-%d %H:%M:%S}"
