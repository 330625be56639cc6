"""Customers in the admin (ordinary edits, audited)."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.sales.models import Customer


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin, ModelAdmin):
    list_display = ("code", "name", "currency", "city", "country", "active")
    list_filter = ("active", "currency", "country")
    search_fields = ("code", "name", "city", "email")
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "name", "currency", "active", "notes")}),
        ("Contact", {"fields": ("email", "phone")}),
        (
            "Shipping address",
            {
                "fields": (
                    "address_line1",
                    "address_line2",
                    "postal_code",
                    "city",
                    "region",
                    "country",
                    "latitude",
                    "longitude",
                ),
                "description": "The coordinates let planning ship from the nearest warehouse.",
            },
        ),
    )
