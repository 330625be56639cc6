"""The admin's index: the work queues waiting for the person asking, and a few figures with charts.

Apps register their figures like their queues: a count per day over the last 30 days
(``register_daily_count``) drawn as a small bar chart, or an amount per label
(``register_breakdown``, stock value by warehouse) drawn as bars with their share. Each figure
is one grouped query and is shown only to those holding its permission, so the page costs the
same number of queries whatever the size of the data. ``dashboard_context`` is Unfold's
``DASHBOARD_CALLBACK``.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from nexus.core.scope import current_tenant_id

from .navigation import Group, Permission, allowed
from .queues import QuerysetFactory, work_queues

DAYS = 30


@dataclass(frozen=True)
class DailyCount:
    """How many rows of ``queryset`` fall on each of the last ``DAYS`` days by ``date_field``."""

    key: str
    title: str
    permission: Permission
    queryset: QuerysetFactory
    date_field: str
    changelist: str
    order: int = 100

    def per_day(self, request: HttpRequest, days: list[date]) -> list[int]:
        queryset = self.queryset(request).order_by()
        field = queryset.model._meta.get_field(self.date_field)
        if isinstance(field, models.DateTimeField):
            start = timezone.make_aware(datetime.combine(days[0], time.min))
            rows = (
                queryset.filter(**{f"{self.date_field}__gte": start})
                .annotate(day=TruncDate(self.date_field))
                .values("day")
            )
        else:
            rows = queryset.filter(**{f"{self.date_field}__gte": days[0]}).annotate(
                day=models.F(self.date_field)
            )
            rows = rows.values("day")
        counts = {row["day"]: row["n"] for row in rows.annotate(n=Count("pk"))}
        return [counts.get(day, 0) for day in days]


@dataclass(frozen=True)
class Breakdown:
    """An amount per label (``rows``), shown as bars with each one's share of the total."""

    key: str
    title: str
    permission: Permission
    rows: Callable[[HttpRequest], list[tuple[str, Decimal]]]
    unit: Callable[[HttpRequest], str]
    changelist: str
    order: int = 100


class FigureRegistry:
    def __init__(self) -> None:
        self._daily: dict[str, DailyCount] = {}
        self._breakdowns: dict[str, Breakdown] = {}

    def register_daily_count(self, key: str, **kwargs: Any) -> DailyCount:
        return self._add(self._daily, DailyCount(key, **kwargs))

    def register_breakdown(self, key: str, **kwargs: Any) -> Breakdown:
        return self._add(self._breakdowns, Breakdown(key, **kwargs))

    @staticmethod
    def _add(registry: dict[str, Any], figure: Any) -> Any:
        if figure.key in registry:
            raise ImproperlyConfigured(f"The dashboard figure {figure.key!r} is registered twice.")
        registry[figure.key] = figure
        return figure

    def daily_charts(self, request: HttpRequest) -> list[dict[str, Any]]:
        today = timezone.localdate()
        days = [today - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
        charts = []
        for figure in sorted(self._daily.values(), key=lambda f: (f.order, f.title)):
            if not allowed(figure.permission, request):
                continue
            counts = figure.per_day(request, days)
            data = {
                "labels": [day.strftime("%b %-d") for day in days],
                "datasets": [
                    {"label": figure.title, "data": counts, "backgroundColor": "var(--color-primary-600)"}
                ],
            }
            charts.append(
                {
                    "key": figure.key,
                    "title": figure.title,
                    "total": sum(counts),
                    "today": counts[-1],
                    "data": json.dumps(data),
                    "url": reverse(figure.changelist),
                }
            )
        return charts

    def breakdowns(self, request: HttpRequest) -> list[dict[str, Any]]:
        found = []
        for figure in sorted(self._breakdowns.values(), key=lambda f: (f.order, f.title)):
            if not allowed(figure.permission, request):
                continue
            rows = figure.rows(request)
            total = sum((amount for _label, amount in rows), Decimal(0))
            largest = max((amount for _label, amount in rows), default=Decimal(0))
            found.append(
                {
                    "key": figure.key,
                    "title": figure.title,
                    "unit": figure.unit(request),
                    "total": total,
                    "url": reverse(figure.changelist),
                    "rows": [
                        {
                            "label": label,
                            "amount": amount,
                            # Bars relative to the largest, so the longest fills the card.
                            "bar": int(amount * 100 / largest) if largest > 0 else 0,
                            "share": round(amount * 100 / total) if total > 0 else 0,
                        }
                        for label, amount in rows
                    ],
                }
            )
        return found


#: The one registry of the dashboard's figures.
figures = FigureRegistry()
register_daily_count = figures.register_daily_count
register_breakdown = figures.register_breakdown


def tenant_currency(request: HttpRequest) -> str:
    """The current tenant's currency (the unit of its valuations), "" when no tenant is selected."""
    tenant = getattr(request, "tenant", None)
    return str(getattr(tenant, "default_currency", ""))


def queue_groups(request: HttpRequest) -> list[dict[str, Any]]:
    """The person's queues with their counts, grouped like the sidebar."""
    counted = work_queues.counts(request)
    return [
        {"title": group.title, "queues": [c for c in counted if c.queue.group is group]}
        for group in Group
        if any(c.queue.group is group for c in counted)
    ]


def dashboard_context(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """Unfold's ``DASHBOARD_CALLBACK``: what the index shows this person in this tenant."""
    tenant_figures = current_tenant_id() is not None
    context.update(
        {
            "queue_groups": queue_groups(request),
            "daily_charts": figures.daily_charts(request) if tenant_figures else [],
            "breakdowns": figures.breakdowns(request) if tenant_figures else [],
        }
    )
    return context
