"""Warehouses and their locations in the admin; a new warehouse gets its default location."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.inventory.models import Location, Warehouse
from nexus.inventory.services import add_default_location


class WarehouseForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = [
            "code",
            "name",
            "kind",
            "active",
            "cross_docking",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "country",
            "latitude",
            "longitude",
        ]

    def clean_code(self) -> str:
        """Refuse a code another warehouse of the tenant already has, whatever its letter case."""
        code: str = self.cleaned_data["code"].strip()
        if Warehouse.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A warehouse with this code already exists.")
        return code


class LocationInline(TabularInline):
    model = Location
    fields = ("code", "name", "kind", "active")
    extra = 0
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(AuditedModelAdmin, ModelAdmin):
    form = WarehouseForm
    list_display = ("code", "name", "kind", "city", "country", "active")
    list_filter = ("kind", "active", "country")
    search_fields = ("code", "name", "city")
    ordering = ("code",)
    inlines = [LocationInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "active", "cross_docking")}),
        (
            "Address",
            {"fields": ("address_line1", "address_line2", "postal_code", "city", "region", "country")},
        ),
        ("Position", {"fields": ("latitude", "longitude")}),
    )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            add_default_location(form.instance)


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["warehouse", "code", "name", "kind", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        warehouse, code = cleaned.get("warehouse"), (cleaned.get("code") or "").strip()
        if warehouse is not None and code:
            taken = Location.objects.filter(warehouse=warehouse, code__iexact=code).exclude(
                pk=self.instance.pk
            )
            if taken.exists():
                self.add_error("code", f"{warehouse.code} already has a location with this code.")
        return cleaned


@admin.register(Location)
class LocationAdmin(AuditedModelAdmin, ModelAdmin):
    form = LocationForm
    list_display = ("__str__", "name", "kind", "warehouse", "active")
    list_filter = ("kind", "active", "warehouse")
    search_fields = ("code", "name", "warehouse__code", "warehouse__name")
    list_select_related = ("warehouse",)
    autocomplete_fields = ("warehouse",)
    ordering = ("warehouse__code", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        return super().get_queryset(request).select_related("warehouse")
