"""Transfer orders in the admin: the list, the lines, and the steps as buttons and actions.

Drafts are made through the workflow (the API, planning runs), which snapshots each line's
product; here a draft's dates and notes stay editable. "Receive the rest" brings in everything
still in transit; a receipt of part of it goes through ``POST /api/v1/transfer-orders/<id>/receive/``.
"""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from unfold.admin import TabularInline

from nexus.core.admin.documents import DocumentAdmin
from nexus.core.transitions import TransitionResult, TransitionSpec
from supply_chain_ops.models import TransferOrder, TransferOrderLine
from supply_chain_ops.models.transfers import IN_TRANSIT_STATES
from supply_chain_ops.workflows import transfers

#: Offered neither as a button nor as an action: "Receive the rest" covers the admin's receipts.
PARTIAL_RECEIPT = "receive_part"


class TransferOrderLineInline(TabularInline):
    model = TransferOrderLine
    extra = 0
    can_delete = False
    fields = (
        "sku",
        "unit",
        "quantity",
        "shipped_quantity",
        "received_quantity",
        "written_off_quantity",
        "in_transit",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="in transit")
    def in_transit(self, line: TransferOrderLine) -> Decimal:
        return line.in_transit


class OverdueFilter(admin.SimpleListFilter):
    """Transfers still in transit after their expected arrival (the dashboard's overdue queue)."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "In transit past the expected date")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        return queryset.filter(status__in=IN_TRANSIT_STATES, expected_date__lt=timezone.localdate())


@admin.register(TransferOrder)
class TransferOrderAdmin(DocumentAdmin):
    list_display = (
        "number",
        "source_warehouse",
        "destination_warehouse",
        "ship_date",
        "expected_date",
        "status",
    )
    list_filter = ("status", OverdueFilter, "source_warehouse", "destination_warehouse", "expected_date")
    search_fields = ("number", "lines__sku", "notes")
    search_help_text = "Number, a product SKU on a line, or the notes."
    list_select_related = ("source_warehouse", "destination_warehouse")
    date_hierarchy = "expected_date"
    ordering = ("-id",)
    fields = (
        "number",
        "source_warehouse",
        "destination_warehouse",
        "ship_date",
        "expected_date",
        "notes",
        "status",
        "approved_at",
        "shipped_at",
        "closed_at",
        "write_off_reason",
    )
    readonly_fields = (
        "number",
        "source_warehouse",
        "destination_warehouse",
        "approved_at",
        "shipped_at",
        "closed_at",
        "write_off_reason",
    )
    inlines = [TransferOrderLineInline]
    automatic_transitions = (PARTIAL_RECEIPT,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransferOrder]:
        lines = Prefetch("lines", TransferOrderLine.objects.order_by("id"))
        return super().get_queryset(request).prefetch_related(lines).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def transition_buttons(self, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
        return [b for b in super().transition_buttons(request, obj) if b["name"] != PARTIAL_RECEIPT]

    def run_transition(
        self,
        request: HttpRequest,
        obj: Model,
        spec: TransitionSpec,
        *,
        reason: str = "",
        idempotency_key: str = "",
    ) -> TransitionResult:
        if spec.name == "receive_all":
            return transfers.receive(obj.pk, actor=request.user, idempotency_key=idempotency_key)
        return super().run_transition(request, obj, spec, reason=reason, idempotency_key=idempotency_key)
