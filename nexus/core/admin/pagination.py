"""Large change lists: the estimated count, no second full count, and pages of 50 rows.

The paginator (``nexus.core.paginator``) shows PostgreSQL's planner estimate instead of counting
every row when a list is large, and still ends the list where its rows end. Use it with
``show_full_result_count = False`` (``LargeListAdminMixin`` sets both), so that a filtered page
does not count the whole table a second time.
"""

from typing import Any

from django.http import HttpRequest
from unfold.admin import ModelAdmin

from nexus.core.paginator import EstimatedCountPaginator


class LargeListAdminMixin(ModelAdmin):
    """For change lists that grow without bound: the estimated count, no second full count, and
    pages of 50 rows (rendering a row costs more than reading it)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        """The change list, its count as the page left it: the page that shows where the list
        ends knows the exact count, which replaces the estimate the change list read first."""
        changelist = super().get_changelist_instance(request)
        paginator = changelist.paginator
        if paginator.count != changelist.result_count:
            changelist.result_count = paginator.count
            changelist.can_show_all = paginator.count <= changelist.list_max_show_all
            changelist.multi_page = paginator.count > changelist.list_per_page
        return changelist
