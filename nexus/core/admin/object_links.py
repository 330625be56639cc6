"""Links another app puts on a record's change page, by the record's model label.

The page of a sales order can offer "Return goods (RMA)" without the sales domain knowing the
orchestrator: the orchestrator registers the link against ``"sales.salesorder"`` from its admin
module, and every change page of a ``TransitionAdminMixin`` admin shows the links registered for
its model that the person may follow.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from .navigation import Permission, allowed


@dataclass(frozen=True)
class ObjectLink:
    title: str
    #: The URL of the link for one record (reverse a URL name with the record's id, say).
    url: Callable[[Model], str]
    permission: Permission
    icon: str = "link"


_links: dict[str, list[ObjectLink]] = {}


def register_object_link(
    model_label: str, title: str, *, url: Callable[[Model], str], permission: Permission, icon: str = "link"
) -> None:
    """Show ``title`` on the change page of every ``model_label`` record (``"sales.salesorder"``)."""
    links = _links.setdefault(model_label.lower(), [])
    if all(link.title != title for link in links):
        links.append(ObjectLink(title, url, permission, icon))


def object_links(request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
    """The links registered for ``obj``'s model that this person may follow."""
    return [
        {"title": link.title, "url": link.url(obj), "icon": link.icon}
        for link in _links.get(obj._meta.label_lower, [])
        if allowed(link.permission, request)
    ]
