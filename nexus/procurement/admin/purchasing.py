"""Purchase orders and goods receipts in the admin."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from nexus.core.admin.documents import FollowUpButton
from nexus.core.admin.links import admin_link
from nexus.core.errors import NexusError
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency
from nexus.procurement.amounts import document_total, line_amount
from nexus.procurement.models import (
    AUTOMATIC_PURCHASE_ORDER_TRANSITIONS,
    RECEIVABLE_STATES,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from nexus.procurement.services import draft_receipt, receipt_to_count, refuse_over_receipt

from .documents import DocumentAdmin, DraftLinesInline


class PurchaseOrderLineInline(DraftLinesInline):
    model = PurchaseOrderLine
    fields = (
        "product",
        "description",
        "vendor_sku",
        "quantity",
        "unit_price",
        "expected_date",
        "received_quantity",
        "open_quantity",
    )
    readonly_fields = ("received_quantity", "open_quantity")
    autocomplete_fields = ("product",)

    @admin.display(description="still to come")
    def open_quantity(self, line: PurchaseOrderLine) -> Decimal | str:
        return line.open_quantity if line.pk else ""


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(DocumentAdmin):
    list_display = (
        "number",
        "vendor",
        "warehouse",
        "order_date",
        "status",
        "currency",
        "total",
        "earliest_due",
    )
    list_filter = ("status", "warehouse", "currency", "order_date")
    search_fields = ("number", "vendor__code", "vendor__name", "vendor_reference", "lines__product__sku")
    search_help_text = "Number, vendor, the vendor's reference, or a product SKU on a line."
    list_select_related = ("vendor", "warehouse", "currency")
    date_hierarchy = "order_date"
    ordering = ("-order_date", "-id")
    autocomplete_fields = ("vendor", "warehouse")
    fields = (
        "number",
        "vendor",
        "warehouse",
        "currency",
        "exchange_rate",
        "order_date",
        "vendor_reference",
        "notes",
        "status",
        "sent_at",
    )
    readonly_fields = ("number", "sent_at")
    inlines = [PurchaseOrderLineInline]
    automatic_transitions = AUTOMATIC_PURCHASE_ORDER_TRANSITIONS
    actions = ["draft_receipts"]
    follow_up_buttons = (
        FollowUpButton(
            name="receive",
            label="Receive",
            permission="procurement.add_goodsreceipt",
            offered=lambda order: order.status in RECEIVABLE_STATES,
            follow_up=receipt_to_count,
            made="Drafted {made} for {source} with every open line; count the goods, then post it.",
        ),
    )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new order is in the tenant's own currency unless the clerk chooses another."""
        return {
            "currency": tenant_currency(require_tenant_id()),
            **super().get_changeform_initial_data(request),
        }

    def get_queryset(self, request: HttpRequest) -> QuerySet[PurchaseOrder]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("lines", PurchaseOrderLine.objects.order_by("id")))
        )

    @admin.display(description="total")
    def total(self, order: PurchaseOrder) -> Decimal:
        currency = order.currency_id
        return document_total(
            [line_amount(line.quantity, line.unit_price, currency) for line in order.lines.all()], currency
        )

    @admin.display(description="next expected")
    def earliest_due(self, order: PurchaseOrder) -> Any:
        dates = [line.expected_date for line in order.lines.all() if line.open_quantity > 0]
        return min(dates) if dates else "—"

    @admin.action(description="Draft a goods receipt for what is still open", permissions=["receive"])
    def draft_receipts(self, request: HttpRequest, queryset: QuerySet[PurchaseOrder]) -> None:
        done, failures = [], []
        for order in queryset.order_by("pk"):
            try:
                done.append(draft_receipt(order))
            except NexusError as error:
                failures.append(f"{order}: {error.detail}")
        if done:
            links = format_html_join(", ", "{}", ((admin_link(receipt),) for receipt in done))
            self.message_user(
                request,
                format_html("Drafted {}; post them after counting the goods.", links),
                messages.SUCCESS,
            )
        if failures:
            self.message_user(request, "; ".join(failures), messages.WARNING if done else messages.ERROR)

    def has_receive_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("procurement.add_goodsreceipt"))


class GoodsReceiptForm(forms.ModelForm):
    """A receipt is drafted only against an order that can still receive goods."""

    class Meta:
        model = GoodsReceipt
        fields = ("purchase_order", "location", "received_at", "delivery_note", "notes")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        order = cleaned.get("purchase_order")
        if order is not None and self.instance.pk is None and order.status not in RECEIVABLE_STATES:
            self.add_error(
                "purchase_order",
                f"{order} is {order.get_status_display().lower()}; goods are received only against sent or "
                "partially received orders.",
            )
        location = cleaned.get("location")
        if order is not None and location is not None and location.warehouse_id != order.warehouse_id:
            self.add_error("location", "Choose a location of the order's warehouse.")
        return cleaned


class GoodsReceiptLineFormSet(forms.BaseInlineFormSet):
    """Refuse lines that receive more than the over-receipt tolerance allows (posting checks again)."""

    def clean(self) -> None:
        super().clean()
        if self.instance.purchase_order_id is None:
            return  # the receipt's own form says what is missing
        receiving: dict[PurchaseOrderLine, Decimal] = defaultdict(Decimal)
        for form in self.forms:
            row = getattr(form, "cleaned_data", None) or {}
            if row.get("purchase_order_line") and row.get("quantity") is not None and not row.get("DELETE"):
                receiving[row["purchase_order_line"]] += row["quantity"]
        try:
            refuse_over_receipt(self.instance.purchase_order, receiving)
        except NexusError as error:
            raise forms.ValidationError(error.detail) from error


class GoodsReceiptLineInline(DraftLinesInline):
    model = GoodsReceiptLine
    formset = GoodsReceiptLineFormSet
    fields = ("purchase_order_line", "quantity", "unit_cost", "stock_move")
    readonly_fields = ("unit_cost", "stock_move")
    source_lines = (
        "purchase_order_line",
        lambda receipt: PurchaseOrderLine.objects.filter(order_id=receipt.purchase_order_id),
    )


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(DocumentAdmin):
    list_display = ("number", "purchase_order", "vendor", "warehouse", "received_at", "status", "line_count")
    list_filter = ("status", "purchase_order__warehouse", "received_at")
    search_fields = ("number", "purchase_order__number", "purchase_order__vendor__code", "delivery_note")
    search_help_text = "Receipt or order number, vendor code, or the vendor's delivery note."
    list_select_related = ("purchase_order__vendor", "purchase_order__warehouse")
    date_hierarchy = "received_at"
    ordering = ("-received_at", "-id")
    autocomplete_fields = ("purchase_order", "location")
    fields = (
        "number",
        "purchase_order",
        "location",
        "received_at",
        "delivery_note",
        "notes",
        "status",
        "posted_at",
    )
    readonly_fields = ("number", "posted_at")
    form = GoodsReceiptForm
    inlines = [GoodsReceiptLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[GoodsReceipt]:
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description="vendor", ordering="purchase_order__vendor__code")
    def vendor(self, receipt: GoodsReceipt) -> Any:
        return receipt.purchase_order.vendor

    @admin.display(description="warehouse", ordering="purchase_order__warehouse__code")
    def warehouse(self, receipt: GoodsReceipt) -> Any:
        return receipt.purchase_order.warehouse

    @admin.display(description="lines")
    def line_count(self, receipt: GoodsReceipt) -> int:
        return len(receipt.lines.all())
