"""Reservations in the admin: listed and filtered, confirmed or released with transition buttons.

They are created by documents and the API (``services.reserve``), consumed by shipments and
expired by the periodic task, so the admin offers only the two transitions a person performs.
"""

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponseBase
from unfold.admin import ModelAdmin

from nexus.core.admin.transitions import ACTION_PREFIX, TransitionAdminMixin
from nexus.inventory.models import PERSON_TRANSITIONS, Reservation


@admin.register(Reservation)
class ReservationAdmin(TransitionAdminMixin, ModelAdmin):
    list_display = (
        "id",
        "product",
        "warehouse",
        "quantity",
        "consumed_quantity",
        "required_date",
        "source",
        "state",
        "expires_at",
        "created_at",
    )
    list_filter = ("state", "warehouse", "required_date")
    search_fields = ("product__sku", "product__name", "source_type", "=source_id")
    list_select_related = ("product", "warehouse")
    date_hierarchy = "required_date"
    readonly_fields = (
        "product",
        "warehouse",
        "quantity",
        "consumed_quantity",
        "required_date",
        "source_type",
        "source_id",
        "location",
        "expires_at",
        "note",
        "actor_label",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields

    @admin.display(description="source")
    def source(self, reservation: Reservation) -> str:
        return f"{reservation.source_type} #{reservation.source_id}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def transition_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
        return [b for b in super().transition_buttons(request, obj) if b["name"] in PERSON_TRANSITIONS]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        for name in list(actions):
            if name.startswith(ACTION_PREFIX) and name.removeprefix(ACTION_PREFIX) not in PERSON_TRANSITIONS:
                del actions[name]
        return actions

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseBase:
        if transition not in PERSON_TRANSITIONS:
            raise Http404(f"Reservations are not {transition}d by hand.")
        return super().transition_view(request, object_id, transition)
