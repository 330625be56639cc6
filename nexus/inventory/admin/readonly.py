"""Posted rows are shown, never added, changed or deleted in the admin."""

from typing import Any

from django.http import HttpRequest
from unfold.admin import ModelAdmin

from nexus.core.admin.pagination import LargeListAdminMixin


class ReadOnlyAdmin(LargeListAdminMixin, ModelAdmin):
    """View-only screens for ledger rows and the balances derived from them (large: estimated counts)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
