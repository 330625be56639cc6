"""A paginator that estimates the count of a large list instead of counting every row.

An exact ``COUNT(*)`` reads every matching row: on a table of millions (stock moves, audit events)
it costs more than the page itself. PostgreSQL's planner already estimates how many rows the
list's query returns; when that estimate is ``EXACT_BELOW`` or more it stands in for the count.
Small lists, filtered lists the planner expects to be small, and other databases count exactly.

An estimate must not decide where the list ends, or a client following ``next`` would page
through empty pages (an estimate too high) or never reach the last rows (too low). So when the
count is estimated a page reads one row more than it shows: the page after it exists if that row
does, a page with no rows beyond the first is "no such page", and the page that shows the end
replaces the estimate with the exact count, which it then knows.

Used by the admin's large change lists (``nexus.core.admin.pagination``) and the API's lists
(``nexus.core.api.pagination``).
"""

import json
from functools import cached_property
from typing import Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet

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
    """A ``Paginator`` whose count is the planner's estimate when that is large (module docstring)."""

    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet):
            estimate = estimated_count(queryset)
            if estimate is not None and estimate >= EXACT_BELOW:
                self.count_is_estimate = True
                return estimate
        return super().count

    def validate_number(self, number: Any) -> int:
        """A page number as Django checks it, but not against an estimated number of pages."""
        if not self.count_is_estimate_now():
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def count_is_estimate_now(self) -> bool:
        """Whether the count (taken now if not yet) is the planner's estimate."""
        self.count  # noqa: B018 (the count decides it)
        return self.count_is_estimate

    def count_exactly(self) -> None:
        """Count every row after all, where the end must be known at once (the last page)."""
        if self.count_is_estimate_now():
            self._settle(cast(QuerySet[Any], self.object_list).count(), estimate=False)

    def page(self, number: Any) -> Page:
        if not self.count_is_estimate_now():
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) > self.per_page:
            rows = rows[: self.per_page]
            self._settle(max(self.count, bottom + self.per_page + 1), estimate=True)
        else:
            self._settle(bottom + len(rows), estimate=False)
        return Page(rows, number, self)

    def _settle(self, count: int, *, estimate: bool) -> None:
        """Put what a page has shown in place of the estimate, and what depends on it."""
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self.count_is_estimate = estimate
