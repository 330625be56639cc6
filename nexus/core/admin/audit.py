"""Admin for audit events: read-only for everyone, with the seal lag on the change list.

Platform operators see every chain (their views run in the system context, not recorded: see
``operators``); tenant staff with the kernel's view permission see their current tenant's events.
Nobody adds, changes or deletes an event here (the database would refuse it anyway).
"""

import json
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from nexus.core import scope
from nexus.core.admin.filter_values import distinct_values
from nexus.core.admin.pagination import LargeListAdminMixin
from nexus.core.audit.sealer import seal_lag
from nexus.core.models import AuditEvent

from .operators import is_platform_operator, rendered_in_operator_scope

_in_audit_scope = rendered_in_operator_scope("audit admin")


class ActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tenant_id = None if is_platform_operator(request) else scope.current_tenant_id()
        return [(action, action) for action in distinct_values(AuditEvent, "action", tenant_id=tenant_id)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(action=value) if value else queryset


class SealedFilter(admin.SimpleListFilter):
    title = "sealed"
    parameter_name = "sealed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No, waiting for the sealer")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(sealed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(sealed_at__isnull=True)
        return queryset


def pretty_json(value: Any) -> str:
    if value is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


@admin.register(AuditEvent)
class AuditEventAdmin(LargeListAdminMixin, ModelAdmin):
    list_display = ("occurred_at", "tenant", "actor_display", "action", "object_display", "is_sealed")
    list_display_links = ("occurred_at", "action")
    search_fields = ("=id", "action", "actor_label", "=actor_id", "object_label", "=object_id", "=request_id")
    search_help_text = (
        "Search by action, actor or object name; exact event id, actor id, object id or request id."
    )
    list_select_related = ("tenant",)
    ordering = ("-occurred_at", "-id")
    change_list_template = "admin/core/auditevent/change_list.html"
    fieldsets = (
        (None, {"fields": ("occurred_at", "tenant", "action", "request_id")}),
        ("Actor", {"fields": ("actor_kind", "actor_id", "actor_label")}),
        ("Object", {"fields": ("object_type", "object_id", "object_label")}),
        ("Data", {"fields": ("data_json", "personal_json")}),
        ("Chain", {"fields": ("sequence", "prev_hash", "hash", "sealed_at")}),
    )
    readonly_fields = (
        "occurred_at",
        "tenant",
        "action",
        "request_id",
        "actor_kind",
        "actor_id",
        "actor_label",
        "object_type",
        "object_id",
        "object_label",
        "data_json",
        "personal_json",
        "sequence",
        "prev_hash",
        "hash",
        "sealed_at",
    )

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = ["actor_kind", ActionFilter, "occurred_at", SealedFilter]
        if is_platform_operator(request):
            filters.insert(0, "tenant")
        return filters

    @admin.display(description="Actor", ordering="actor_label")
    def actor_display(self, obj: AuditEvent) -> str:
        label = obj.actor_label or obj.get_actor_kind_display()
        return f"{label} (#{obj.actor_id})" if obj.actor_id else label

    @admin.display(description="Object", ordering="object_type")
    def object_display(self, obj: AuditEvent) -> str:
        if not obj.object_type:
            return "—"
        return f"{obj.object_type} #{obj.object_id} {obj.object_label}".strip()

    @admin.display(description="Sealed", boolean=True, ordering="sealed_at")
    def is_sealed(self, obj: AuditEvent) -> bool:
        return obj.sealed_at is not None

    @admin.display(description="Data")
    def data_json(self, obj: AuditEvent) -> str:
        return pretty_json(obj.data)

    @admin.display(description="Personal data (erasable, outside the hash)")
    def personal_json(self, obj: AuditEvent) -> str:
        return pretty_json(obj.personal)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @_in_audit_scope
    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        chains = None if is_platform_operator(request) else [scope.current_tenant_id()]
        context = {**(extra_context or {}), "seal_lag": seal_lag(chains)}
        return super().changelist_view(request, context)

    change_view = _in_audit_scope(ModelAdmin.change_view)
    history_view = _in_audit_scope(ModelAdmin.history_view)
