"""An admin paginator that estimates the count of a large list instead of counting every row.

An exact ``COUNT(*)`` reads every matching row: on a table of millions (stock moves, audit events)
it costs more than the page itself. PostgreSQL's planner already estimates how many rows the
list's query returns; when that estimate is above ``EXACT_BELOW`` it is shown as the count
(the page links are then approximate, which nobody paging through millions of rows notices).
Small lists, filtered lists the planner expects to be small, and other databases count exactly.

Use it with ``show_full_result_count = False`` (``LargeListAdminMixin`` sets both), so that a
filtered page does not count the whole table a second time.
"""

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from unfold.admin import ModelAdmin

EXACT_BELOW = 20_000


def estimated_count(queryset: QuerySet[Any]) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns, or None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    query, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {query}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A ``Paginator`` whose count is the planner's estimate when that is large."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet):
            estimate = estimated_count(queryset)
            if estimate is not None and estimate >= EXACT_BELOW:
                return estimate
        return super().count


class LargeListAdminMixin(ModelAdmin):
    """For change lists that grow without bound: the estimated count, no second full count, and
    pages of 50 rows (rendering a row costs more than reading it)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
