"""Admin for the example models, exercising the kernel's admin mixins."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.transitions import TransitionAdminMixin

from .models import Gadget, GadgetKind


@admin.register(Gadget)
class GadgetAdmin(TransitionAdminMixin, ModelAdmin):
    list_display = ("name", "kind", "quantity", "status")
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("kind",)


@admin.register(GadgetKind)
class GadgetKindAdmin(AuditedModelAdmin, ModelAdmin):
    """Edits of gadget kinds leave audit events (exercises ``AuditedModelAdmin``)."""

    list_display = ("name",)
    search_fields = ("name",)


register_screen(Group.SYSTEM, model=Gadget, icon="widgets", order=900)
register_screen(Group.SYSTEM, model=GadgetKind, icon="category", order=910)
