"""Page-number pagination with a caller-chosen page size, capped."""

from rest_framework.pagination import PageNumberPagination


class NexusPagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most ``max_page_size``); answers count, next, previous."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
