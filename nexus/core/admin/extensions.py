"""Actions and links that one app offers on another app's screens, without either importing the other.

A domain's admin cannot import an orchestrator, yet an orchestrator may have a step to offer on
a domain's records (sourcing a draft sales order, a product's ATP). The orchestrator registers
the action or link against the model's label at start-up; a model admin that mixes in
``ExtensibleAdminMixin`` lists the actions with its own (subject to their
``allowed_permissions``) and shows the links on the change page to whoever holds their
permission.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

_ACTIONS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


@dataclass(frozen=True)
class ObjectLink:
    """A link on a change page to a view that takes the object's id as its one argument."""

    title: str
    url_name: str
    permission: str
    icon: str = "open_in_new"


_LINKS: dict[str, list[ObjectLink]] = defaultdict(list)


def register_object_link(model_label: str, link: ObjectLink) -> None:
    """Show ``link`` on the change page of ``app_label.model`` (the template includes
    ``admin/extension_links.html`` in its object tools)."""
    if link not in _LINKS[model_label.lower()]:
        _LINKS[model_label.lower()].append(link)


def register_admin_action(model_label: str, action: Callable[..., Any]) -> None:
    """Offer ``action`` (an ``@admin.action`` function) on the changelist of ``app_label.model``."""
    if action not in _ACTIONS[model_label.lower()]:
        _ACTIONS[model_label.lower()].append(action)


def registered_actions(model_label: str) -> list[Callable[..., Any]]:
    return list(_ACTIONS.get(model_label.lower(), ()))


class ExtensibleAdminMixin:
    """Adds the actions and links other apps registered for this admin's model."""

    model: Any

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        links = [
            {"title": link.title, "icon": link.icon, "url": reverse(link.url_name, args=[object_id])}
            for link in _LINKS.get(self.model._meta.label_lower, ())
            if request.user.has_perm(link.permission)
        ]
        context = {**(extra_context or {}), "extension_links": links}
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def _get_base_actions(self) -> list[tuple[Callable[..., Any], str, str]]:
        actions: list[tuple[Callable[..., Any], str, str]] = list(super()._get_base_actions())  # type: ignore[misc]
        for action in registered_actions(self.model._meta.label_lower):
            name = action.__name__
            actions.append((action, name, self._get_action_description(action, name)))  # type: ignore[attr-defined]
        return actions
