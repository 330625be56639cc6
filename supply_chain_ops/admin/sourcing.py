"""The sales-order changelist action that sources draft orders from the nearest warehouses."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from nexus.core.admin.extensions import register_admin_action
from nexus.core.errors import NexusError
from supply_chain_ops.coordinators.sourcing import apply_sourcing


@admin.action(description="Ship from the nearest warehouses that can deliver in time", permissions=["change"])
def source_from_nearest_warehouses(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    """Set each draft line's warehouse as regional sourcing chooses it, and say why."""
    for pk in queryset.order_by("pk").values_list("pk", flat=True):
        try:
            plan = apply_sourcing(pk, actor=request.user)
        except NexusError as error:
            model_admin.message_user(request, str(error.detail), messages.WARNING)
            continue
        for line in plan.lines:
            level = messages.SUCCESS if line.single_warehouse is not None else messages.WARNING
            model_admin.message_user(
                request, f"{plan.order_number}, line {line.line_id}: {line.explanation}", level
            )


register_admin_action("sales.salesorder", source_from_nearest_warehouses)
