"""Admin actions that one app offers on another app's screen, without either importing the other.

A domain's admin cannot import an orchestrator, yet an orchestrator may have a step to offer on
a domain's records (sourcing a draft sales order, say). The orchestrator registers the action
against the model's label at start-up; a model admin that mixes in ``ExtensibleActionsMixin``
lists it with its own actions, subject to the action's ``allowed_permissions`` like any other.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_ACTIONS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register_admin_action(model_label: str, action: Callable[..., Any]) -> None:
    """Offer ``action`` (an ``@admin.action`` function) on the changelist of ``app_label.model``."""
    if action not in _ACTIONS[model_label.lower()]:
        _ACTIONS[model_label.lower()].append(action)


def registered_actions(model_label: str) -> list[Callable[..., Any]]:
    return list(_ACTIONS.get(model_label.lower(), ()))


class ExtensibleActionsMixin:
    """Adds the actions other apps registered for this admin's model."""

    model: Any

    def _get_base_actions(self) -> list[tuple[Callable[..., Any], str, str]]:
        actions: list[tuple[Callable[..., Any], str, str]] = list(super()._get_base_actions())  # type: ignore[misc]
        for action in registered_actions(self.model._meta.label_lower):
            name = action.__name__
            actions.append((action, name, self._get_action_description(action, name)))  # type: ignore[attr-defined]
        return actions
