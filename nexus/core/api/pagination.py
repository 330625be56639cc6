"""Page-number pagination with a caller-chosen page size, capped, and an estimated count at scale.

A list of 20,000 rows or more (by the planner's estimate) answers that estimate as its
``count``, with ``count_estimated: true``, instead of counting every row on every page; ``next``
is still exact, and the page that reaches the end answers the exact count (see
``nexus.core.paginator``). ``?page=last`` counts exactly, to know which page that is.
"""

from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.paginator import EstimatedCountPaginator

ESTIMATED_DESCRIPTION = (
    "Whether `count` is the database's estimate (lists of 20,000 rows or more) rather than an "
    "exact count. `next` is exact either way, and the last page answers the exact count."
)


class NexusPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most ``max_page_size``); answers count, next, previous."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = EstimatedCountPaginator

    def get_page_number(self, request: Request, paginator: Paginator) -> Any:
        wanted = request.query_params.get(self.page_query_param)
        if wanted in self.last_page_strings and isinstance(paginator, EstimatedCountPaginator):
            paginator.count_exactly()
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # paginate_queryset came first
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_estimated": getattr(paginator, "count_is_estimate", False),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        answer["properties"] = {
            "count": properties["count"],
            "count_estimated": {"type": "boolean", "description": ESTIMATED_DESCRIPTION},
            **{name: value for name, value in properties.items() if name != "count"},
        }
        answer["required"] = [*answer.get("required", []), "count_estimated"]
        return answer
