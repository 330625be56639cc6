"""Cross-docks in the admin: what each receipt staged for which order, read-only (the listener
makes them; shipping and cancelled orders move their lines on)."""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from supply_chain_ops.models import CrossDock, CrossDockLine
from supply_chain_ops.models.cross_docks import with_goods_waiting


class CrossDockLineInline(TabularInline):
    model = CrossDockLine
    extra = 0
    can_delete = False
    fields = (
        "order_number",
        "sales_order_line",
        "promised_date",
        "quantity",
        "shipped_quantity",
        "released_quantity",
        "waiting",
        "reservation_id",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="waiting")
    def waiting(self, line: CrossDockLine) -> Decimal:
        return line.waiting


class WaitingFilter(admin.SimpleListFilter):
    """Cross-docks whose staged goods still wait to ship (the dashboard's queue)."""

    title = "staged goods"
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Waiting to ship")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_goods_waiting(queryset) if self.value() == "yes" else queryset


@admin.register(CrossDock)
class CrossDockAdmin(ModelAdmin):
    list_display = ("number", "sku", "warehouse", "received_quantity", "staged_quantity", "created_at")
    list_filter = (WaitingFilter, "warehouse", "created_at")
    search_fields = ("number", "sku", "lines__order_number")
    search_help_text = "Number, the product's SKU, or a sales order number."
    list_select_related = ("warehouse",)
    date_hierarchy = "created_at"
    fields = (
        "number",
        "product",
        "sku",
        "warehouse",
        "staging_location",
        "receipt_move_id",
        "received_quantity",
        "staged_quantity",
        "created_at",
    )
    readonly_fields = fields
    inlines = [CrossDockLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CrossDock]:
        lines = Prefetch("lines", CrossDockLine.objects.select_related("sales_order_line").order_by("id"))
        return super().get_queryset(request).prefetch_related(lines).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


register_screen(Group.INVENTORY, model=CrossDock, icon="move_down", order=91)
register_queue(
    "supply_chain.staged_goods_waiting",
    title="Staged goods waiting to ship",
    description="Cross-docked for sales orders; pick them from staging.",
    group=Group.INVENTORY,
    permission="supply_chain_ops.view_crossdock",
    queryset=lambda request: with_goods_waiting(CrossDock.objects.all()),
    changelist="admin:supply_chain_ops_crossdock_changelist",
    filters={WaitingFilter.parameter_name: "yes"},
    order=73,
)
