"""Requisitions in the admin: approved, then converted into draft purchase orders per vendor."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from nexus.core.admin.links import admin_link
from nexus.core.transitions import TransitionResult, TransitionSpec
from nexus.procurement.models import Requisition, RequisitionLine

from .documents import DocumentAdmin, DraftLinesInline


class RequisitionLineInline(DraftLinesInline):
    model = RequisitionLine
    fields = ("product", "quantity", "needed_by", "vendor", "notes")
    autocomplete_fields = ("product", "vendor")


@admin.register(Requisition)
class RequisitionAdmin(DocumentAdmin):
    list_display = ("number", "warehouse", "needed_by", "requested_by", "status", "created_at")
    list_filter = ("status", "warehouse", "needed_by")
    search_fields = ("number", "notes", "lines__product__sku")
    list_select_related = ("warehouse", "requested_by")
    ordering = ("-created_at", "-id")
    autocomplete_fields = ("warehouse",)
    fields = ("number", "warehouse", "needed_by", "requested_by", "notes", "status")
    readonly_fields = ("number", "requested_by")
    inlines = [RequisitionLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Requisition]:
        return super().get_queryset(request).distinct()

    def save_model(self, request: HttpRequest, obj: Requisition, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.requested_by = request.user
        super().save_model(request, obj, form, change)

    def run_transition(
        self,
        request: HttpRequest,
        obj: Any,
        spec: TransitionSpec,
        *,
        reason: str = "",
        idempotency_key: str = "",
    ) -> TransitionResult:
        result = super().run_transition(request, obj, spec, reason=reason, idempotency_key=idempotency_key)
        if spec.name == "convert" and result.output:
            self.message_user(
                request,
                format_html(
                    "Created the draft purchase orders {}.",
                    format_html_join(", ", "{}", ((admin_link(order),) for order in result.output)),
                ),
                messages.INFO,
            )
        return result
