"""Admin for the example models, exercising the kernel's admin mixins."""

from django.contrib import admin

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.transitions import TransitionAdminMixin

from .models import Gadget, GadgetKind


@admin.register(Gadget)
class GadgetAdmin(TransitionAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "quantity", "status")
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("kind",)


@admin.register(GadgetKind)
class GadgetKindAdmin(AuditedModelAdmin, admin.ModelAdmin):
    """Edits of gadget kinds leave audit events (exercises ``AuditedModelAdmin``)."""

    list_display = ("name",)
    search_fields = ("name",)
