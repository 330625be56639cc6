"""Products in the admin: searchable by SKU and name, edits audited."""

from django import forms
from django.contrib import admin
from unfold.admin import ModelAdmin

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.extensions import ExtensibleAdminMixin
from nexus.inventory.models import Product


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "description",
            "active",
            "unit",
            "unit_decimals",
            "unit_weight",
            "unit_volume",
            "customs_value",
            "customs_currency",
        ]

    def clean_sku(self) -> str:
        """Refuse a SKU another product of the tenant already has, whatever its letter case."""
        sku: str = self.cleaned_data["sku"].strip()
        taken = Product.objects.filter(sku__iexact=sku).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("A product with this SKU already exists.")
        return sku


@admin.register(Product)
class ProductAdmin(ExtensibleAdminMixin, AuditedModelAdmin, ModelAdmin):
    form = ProductForm
    list_display = (
        "sku",
        "name",
        "unit",
        "unit_decimals",
        "unit_weight",
        "unit_volume",
        "customs_value",
        "active",
    )
    list_filter = ("active", "unit")
    search_fields = ("sku", "name")
    list_select_related = ("customs_currency",)
    ordering = ("sku",)
    fieldsets = (
        (None, {"fields": ("sku", "name", "description", "active")}),
        ("Unit of measure", {"fields": ("unit", "unit_decimals")}),
        ("Logistics", {"fields": ("unit_weight", "unit_volume", "customs_value", "customs_currency")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = ("created_at", "updated_at")
