"""Vendors and their product terms in the admin (ordinary edits, audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.procurement.models import Vendor, VendorProduct


class VendorProductInline(TabularInline):
    """The vendor's terms at a glance; each is edited on its own (audited) page."""

    model = VendorProduct
    extra = 0
    show_change_link = True
    can_delete = False
    fields = (
        "product",
        "vendor_sku",
        "unit_price",
        "currency",
        "minimum_order_quantity",
        "order_multiple",
        "lead_time_days",
        "priority",
        "active",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(AuditedModelAdmin, ModelAdmin):
    list_display = (
        "code",
        "name",
        "currency",
        "city",
        "country",
        "on_time_rate",
        "average_lead_time_days",
        "active",
    )
    list_filter = ("active", "currency", "country")
    search_fields = ("code", "name", "city", "email")
    ordering = ("code",)
    inlines = [VendorProductInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "currency", "payment_terms_days", "active")}),
        ("Contact", {"fields": ("contact_name", "email", "phone")}),
        (
            "Address",
            {"fields": ("address_line1", "address_line2", "postal_code", "city", "region", "country")},
        ),
        (
            "Delivery performance",
            {
                "fields": (
                    "on_time_rate",
                    "average_lead_time_days",
                    "receipts_counted",
                    "statistics_computed_at",
                ),
                "description": "Computed from receipt history by the supply chain; not edited here.",
            },
        ),
    )
    readonly_fields = ("on_time_rate", "average_lead_time_days", "receipts_counted", "statistics_computed_at")


@admin.register(VendorProduct)
class VendorProductAdmin(AuditedModelAdmin, ModelAdmin):
    # Price with its currency, and the ordering rules in one column: the list fits a 1440 px screen.
    list_display = (
        "product",
        "vendor",
        "vendor_sku",
        "price",
        "ordering_rules",
        "lead_time",
        "priority",
        "active",
    )
    list_filter = ("active", "currency", "vendor")
    search_fields = ("product__sku", "product__name", "vendor__code", "vendor__name", "vendor_sku")
    list_select_related = ("product", "vendor", "currency")
    autocomplete_fields = ("vendor", "product")
    ordering = ("product__sku", "priority")

    @admin.display(description="unit price", ordering="unit_price")
    def price(self, terms: VendorProduct) -> str:
        return f"{terms.unit_price.normalize():f} {terms.currency_id}"

    @admin.display(description="lead time", ordering="lead_time_days")
    def lead_time(self, terms: VendorProduct) -> str:
        return f"{terms.lead_time_days} d"

    @admin.display(description="min. / multiple")
    def ordering_rules(self, terms: VendorProduct) -> str:
        return f"{terms.minimum_order_quantity.normalize():f} / {terms.order_multiple.normalize():f}"
