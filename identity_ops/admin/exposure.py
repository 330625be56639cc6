"""Limit a transition admin to the transitions people may run from it (the others belong to flows)."""

from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest
from unfold.admin import ModelAdmin

from nexus.core.admin.transitions import ACTION_PREFIX


class ExposedTransitionsMixin(ModelAdmin):
    """Keep only ``exposed_transitions`` among the buttons and change-list actions."""

    exposed_transitions: tuple[str, ...] = ()

    def transition_buttons(self, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
        buttons: list[dict[str, Any]] = super().transition_buttons(request, obj)
        return [button for button in buttons if button["name"] in self.exposed_transitions]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        return {
            name: action
            for name, action in actions.items()
            if not name.startswith(ACTION_PREFIX)
            or name.removeprefix(ACTION_PREFIX) in self.exposed_transitions
        }

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> Any:
        if transition not in self.exposed_transitions:
            raise Http404(f"{transition!r} is not performed from this screen.")
        return super().transition_view(request, object_id, transition)
