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

from django.contrib.admin.utils import unquote
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from .navigation import Permission, allowed

_ACTIONS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


@dataclass(frozen=True)
class ObjectLink:
    """A link on a record's change page: its title, its URL for the record, who may follow it."""

    title: str
    #: The URL of the link for one record (reverse a URL name with the record's id, say).
    url: Callable[[Model], str]
    permission: Permission
    icon: str = "open_in_new"


_LINKS: dict[str, list[ObjectLink]] = defaultdict(list)


def register_object_link(model_label: str, link: ObjectLink) -> None:
    """Show ``link`` on the change page of every ``app_label.model`` record (``"sales.salesorder"``).

    Admins built on ``TransitionAdminMixin`` or mixing in ``ExtensibleAdminMixin`` put the links
    in the page's ``object_links``; ``admin/object_links.html`` renders them.
    """
    links = _LINKS[model_label.lower()]
    if all(existing.title != link.title for existing in links):
        links.append(link)


def object_links(request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
    """The links registered for ``obj``'s model that this person may follow."""
    return [
        {"title": link.title, "url": link.url(obj), "icon": link.icon}
        for link in _LINKS.get(obj._meta.label_lower, ())
        if allowed(link.permission, request)
    ]


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
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is not None:
            context["object_links"] = object_links(request, obj)
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def _get_base_actions(self) -> list[tuple[Callable[..., Any], str, str]]:
        actions: list[tuple[Callable[..., Any], str, str]] = list(super()._get_base_actions())  # type: ignore[misc]
        for action in registered_actions(self.model._meta.label_lower):
            name = action.__name__
            actions.append((action, name, self._get_action_description(action, name)))  # type: ignore[attr-defined]
        return actions
