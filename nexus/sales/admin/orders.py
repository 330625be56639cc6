"""Sales orders and shipments in the admin.

Confirming reserves what is free and tells the clerk, per line, what stayed unreserved; the
change list offers "Reserve what has become free" for confirmed orders and "Draft a shipment".
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from nexus.core.admin.documents import FollowUpButton
from nexus.core.admin.extensions import ExtensibleAdminMixin
from nexus.core.admin.links import admin_link
from nexus.core.errors import NexusError
from nexus.core.scope import require_tenant_id
from nexus.core.tenants import tenant_currency
from nexus.core.transitions import TransitionResult, TransitionSpec
from nexus.sales.amounts import document_total, line_amount
from nexus.sales.models import (
    AUTOMATIC_SALES_ORDER_TRANSITIONS,
    OPEN_SALES_STATES,
    SHIPPABLE_STATES,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    reserved_by_line,
    short_stock_lines,
)
from nexus.sales.services import (
    LineReservation,
    delete_draft_order,
    draft_shipment,
    line_defaults,
    shipment_to_pack,
    top_up_reservations,
)

from .documents import DocumentAdmin, DraftLinesInline


def shortage_message(order: Any, outcome: list[LineReservation]) -> str:
    """What stayed unreserved, per line ("" when everything was reserved)."""
    short = [r for r in outcome if r.short > 0]
    if not short:
        return ""
    parts = [f"{r.sku}: {r.short.normalize():f} of {r.wanted.normalize():f}" for r in short]
    return f"{order}: not enough free stock to reserve everything; unreserved {'; '.join(parts)}."


class ShortStockFilter(admin.SimpleListFilter):
    """Open orders with a line whose unshipped quantity is not all reserved (the dashboard's queue)."""

    title = "stock"
    parameter_name = "short_stock"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Short of stock")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> QuerySet[SalesOrder]:
        if self.value() == "yes":
            return queryset.filter(pk__in=short_stock_lines().values("order_id"))
        return queryset


class SalesOrderLineForm(forms.ModelForm):
    """A line left without a warehouse or requested date takes the order's (``line_defaults``)."""

    class Meta:
        model = SalesOrderLine
        fields = (
            "product",
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "requested_date",
            "promised_date",
            "warehouse",
            "dropship",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "requested_date" in self.fields:
            self.fields["requested_date"].required = False
            self.fields["requested_date"].help_text = "Blank: the order's date."
        if "warehouse" in self.fields:
            self.fields["warehouse"].help_text = "Blank: the order's warehouse."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        order = cleaned.get("order")  # the inline's parent, the unsaved order itself on the add page
        if order is not None and not cleaned.get("DELETE"):
            cleaned.update(line_defaults(order, cleaned))
        return cleaned


class SalesOrderLineInline(DraftLinesInline):
    """A draft's lines show what is entered; the dates promised and what shipped or is reserved follow."""

    model = SalesOrderLine
    form = SalesOrderLineForm
    #: What a draft's lines show: entry columns only, so the table fits a 1440 px screen.
    draft_fields = (
        "product",
        "quantity",
        "unit_price",
        "discount_percent",
        "requested_date",
        "warehouse",
        "dropship",
    )
    fields = (
        "product",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "requested_date",
        "promised_date",
        "warehouse",
        "dropship",
        "shipped_quantity",
        "reserved",
    )
    readonly_fields = ("shipped_quantity", "reserved")
    autocomplete_fields = ("product", "warehouse")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or obj.is_draft:
            return self.draft_fields
        return super().get_fields(request, obj)

    @admin.display(description="reserved")
    def reserved(self, line: SalesOrderLine) -> Decimal | str:
        if line.pk is None or line.dropship:
            return "—"
        return reserved_by_line([line.pk]).get(line.pk, Decimal(0))


@admin.register(SalesOrder)
class SalesOrderAdmin(ExtensibleAdminMixin, DocumentAdmin):
    list_display = ("number", "customer", "order_date", "status", "currency", "total", "next_promised")
    list_filter = ("status", ShortStockFilter, "currency", "warehouse", "order_date")
    search_fields = (
        "number",
        "customer__code",
        "customer__name",
        "customer_reference",
        "lines__product__sku",
    )
    search_help_text = "Number, customer, the customer's reference, or a product SKU on a line."
    list_select_related = ("customer", "currency")
    # No date_hierarchy: its first level reads every order's date (docs/admin.md); the
    # order_date filter offers the same ranges.
    ordering = ("-order_date", "-id")
    autocomplete_fields = ("customer", "warehouse")
    fields = (
        "number",
        "customer",
        "currency",
        "warehouse",
        "order_date",
        "customer_reference",
        "cause",
        "notes",
        "status",
        "confirmed_at",
    )
    readonly_fields = ("number", "cause", "confirmed_at")
    inlines = [SalesOrderLineInline]
    automatic_transitions = AUTOMATIC_SALES_ORDER_TRANSITIONS
    actions = ["reserve_what_is_free", "draft_shipments"]
    follow_up_buttons = (
        FollowUpButton(
            name="ship",
            label="Ship",
            permission="sales.add_shipment",
            offered=lambda order: order.status in SHIPPABLE_STATES,
            follow_up=shipment_to_pack,
            made="Drafted {made} for {source} with the open lines; post it when the goods leave.",
        ),
    )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new order is in the tenant's own currency unless the clerk chooses another."""
        return {
            "currency": tenant_currency(require_tenant_id()),
            **super().get_changeform_initial_data(request),
        }

    def get_queryset(self, request: HttpRequest) -> QuerySet[SalesOrder]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("lines", SalesOrderLine.objects.order_by("id")))
        )

    def delete_draft(self, request: HttpRequest, obj: SalesOrder) -> None:
        delete_draft_order(obj, actor=request.user)

    @admin.display(description="total")
    def total(self, order: SalesOrder) -> Decimal:
        currency = order.currency_id
        amounts = [
            line_amount(line.quantity, line.unit_price, currency, line.discount_percent)
            for line in order.lines.all()
        ]
        return document_total(amounts, currency)

    @admin.display(description="next promised")
    def next_promised(self, order: SalesOrder) -> Any:
        dates = [
            line.promised_date or line.requested_date for line in order.lines.all() if line.open_quantity > 0
        ]
        return min(dates) if dates else "—"

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
        if spec.name == "confirm" and result.output:
            message = shortage_message(result.instance, result.output)
            if message:
                self.message_user(request, message, messages.WARNING)
        return result

    @admin.action(description="Reserve what has become free", permissions=["change"])
    def reserve_what_is_free(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        reserved, short, failures = 0, [], []
        for order in queryset.filter(status__in=OPEN_SALES_STATES).order_by("pk"):
            try:
                outcome = top_up_reservations(order, actor=request.user)
            except NexusError as error:
                failures.append(f"{order}: {error.detail}")
                continue
            reserved += sum(1 for r in outcome if r.reserved > 0)
            message = shortage_message(order, outcome)
            if message:
                short.append(message)
        self.message_user(request, f"Reserved more stock for {reserved} line(s).", messages.SUCCESS)
        for message in [*short, *failures]:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Draft a shipment for what is still open", permissions=["ship"])
    def draft_shipments(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        done, failures = [], []
        for order in queryset.order_by("pk"):
            try:
                done.append(draft_shipment(order))
            except NexusError as error:
                failures.append(f"{order}: {error.detail}")
        if done:
            links = format_html_join(", ", "{}", ((admin_link(shipment),) for shipment in done))
            self.message_user(
                request, format_html("Drafted {}; post them when the goods leave.", links), messages.SUCCESS
            )
        if failures:
            self.message_user(request, "; ".join(failures), messages.WARNING if done else messages.ERROR)

    def has_ship_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("sales.add_shipment"))


class ShipmentForm(forms.ModelForm):
    """A shipment is drafted only for an order that can still ship, from a warehouse or as dropship."""

    class Meta:
        model = Shipment
        fields = ("sales_order", "warehouse", "dropship", "shipped_at", "carrier", "tracking_number", "notes")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        order = cleaned.get("sales_order")
        if order is not None and self.instance.pk is None and order.status not in SHIPPABLE_STATES:
            self.add_error(
                "sales_order",
                f"{order} is {order.get_status_display().lower()}; "
                "only confirmed or partially shipped orders ship.",
            )
        if cleaned.get("dropship") and cleaned.get("warehouse") is not None:
            self.add_error("warehouse", "A dropship shipment names no warehouse.")
        if not cleaned.get("dropship") and cleaned.get("warehouse") is None:
            self.add_error("warehouse", "Name the warehouse the goods leave from.")
        return cleaned


class ShipmentLineInline(DraftLinesInline):
    model = ShipmentLine
    fields = ("sales_order_line", "quantity", "cost_value")
    readonly_fields = ("cost_value",)
    source_lines = (
        "sales_order_line",
        lambda shipment: SalesOrderLine.objects.filter(order_id=shipment.sales_order_id),
    )


@admin.register(Shipment)
class ShipmentAdmin(DocumentAdmin):
    list_display = ("number", "sales_order", "customer", "warehouse", "dropship", "shipped_at", "status")
    list_filter = ("status", "dropship", "warehouse", "shipped_at")
    search_fields = ("number", "sales_order__number", "sales_order__customer__code", "tracking_number")
    search_help_text = "Shipment or order number, customer code, or tracking number."
    list_select_related = ("sales_order__customer", "warehouse")
    ordering = ("-shipped_at", "-id")
    autocomplete_fields = ("sales_order", "warehouse")
    fields = (
        "number",
        "sales_order",
        "warehouse",
        "dropship",
        "shipped_at",
        "carrier",
        "tracking_number",
        "notes",
        "status",
        "posted_at",
    )
    readonly_fields = ("number", "posted_at")
    form = ShipmentForm
    inlines = [ShipmentLineInline]

    @admin.display(description="customer", ordering="sales_order__customer__code")
    def customer(self, shipment: Shipment) -> Any:
        return shipment.sales_order.customer
