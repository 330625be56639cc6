"""Credit notes in the admin: drafted with lines, issued (numbered, totalled), applied or voided."""

from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

# Credit notes are numbered when issued (gap-free), not when drafted: the kernel's base as is.
from nexus.core.admin.documents import DocumentAdmin, DraftLinesInline
from nexus.receivable.models import CreditNote, CreditNoteLine
from nexus.receivable.services import lines_total
from nexus.sales.amounts import line_amount
from nexus.sales.models import SalesOrderLine


class CreditNoteLineInline(DraftLinesInline):
    model = CreditNoteLine
    fields = ("sales_order_line", "description", "quantity", "unit_price", "amount")
    readonly_fields = ("amount",)
    source_lines = (
        "sales_order_line",
        lambda note: SalesOrderLine.objects.filter(order_id=note.sales_order_id),
    )

    @admin.display(description="amount")
    def amount(self, line: CreditNoteLine) -> Decimal | str:
        if line.pk is None:
            return ""
        return line_amount(line.quantity, line.unit_price, line.credit_note.currency_id)


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = (
        "__str__",
        "customer",
        "sales_order",
        "status",
        "issue_date",
        "currency",
        "total",
        "reason",
    )
    list_filter = ("status", "currency", "issue_date")
    search_fields = ("number", "reason", "customer__code", "customer__name", "sales_order__number")
    search_help_text = "Note number, reason, customer, or sales order number."
    list_select_related = ("customer", "sales_order", "currency")
    ordering = ("-created_at", "-id")
    autocomplete_fields = ("customer", "sales_order")
    fields = (
        "number",
        "customer",
        "sales_order",
        "currency",
        "reason",
        "notes",
        "status",
        "issue_date",
        "lines_total",
        "restocking_fee",
        "total",
        "applied_at",
    )
    readonly_fields = ("number", "issue_date", "restocking_fee", "total", "lines_total", "applied_at")
    inlines = [CreditNoteLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditNote]:
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description="lines total")
    def lines_total(self, note: CreditNote) -> Decimal | str:
        return lines_total(note) if note.pk is not None else ""
