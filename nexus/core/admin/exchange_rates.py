"""Exchange rates in the admin: by currency and day, searchable, every edit audited."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.exchange_rates.forms import ExchangeRateForm
from nexus.core.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedModelAdmin, ModelAdmin):
    form = ExchangeRateForm
    list_display = ("date", "currency", "rate", "updated_at")
    list_filter = (("currency", admin.RelatedOnlyFieldListFilter), "date")
    date_hierarchy = "date"
    search_fields = ("currency__code", "currency__name")
    search_help_text = "Search by currency code or name."
    list_select_related = ("currency",)
    ordering = ("-date", "currency")
    fields = ("currency", "date", "rate", "created_at", "updated_at")
    readonly_fields = ("created_at", "updated_at")
