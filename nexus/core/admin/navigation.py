"""The admin's sidebar, grouped by task: each app places its screens by declaring their group.

An app calls ``register_screen`` from its admin module (next to ``@admin.register``), naming the
group, the model (or an admin URL name for a page that is not a model's list), an icon from
Material Symbols and, for a page that is not a model's, who may see it. There is no central list:
``sidebar_navigation`` (Unfold's ``SIDEBAR["navigation"]`` callback) builds the groups for the
person asking, with only the screens they may view, in the groups' fixed order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

#: Who may see a screen that is not a model's list: a permission name or a test of the request.
Permission = str | Callable[[HttpRequest], bool]


class Group(Enum):
    """The sidebar's groups, in the order they appear: what people do, not which app does it."""

    SALES = "Sales"
    PURCHASING = "Purchasing"
    INVENTORY = "Inventory"
    RETURNS_AND_COSTS = "Returns and costs"
    PLANNING = "Planning"
    PEOPLE_AND_ACCESS = "People and access"
    SYSTEM = "System"

    @property
    def title(self) -> str:
        return self.value


@dataclass(frozen=True)
class Screen:
    """One sidebar entry: a model's list (``model``) or another admin page (``url_name``)."""

    group: Group
    title: str
    icon: str
    model: type[Model] | None = None
    url_name: str = ""
    permission: Permission | None = None
    order: int = 100

    @property
    def key(self) -> str:
        return self.model._meta.label_lower if self.model is not None else self.url_name

    def url(self, site_name: str) -> str:
        if self.model is not None:
            opts = self.model._meta
            return reverse(
                f"{site_name}:{opts.app_label}_{opts.model_name}_changelist", current_app=site_name
            )
        return reverse(self.url_name, current_app=site_name)

    def visible_to(self, request: HttpRequest, site: admin.AdminSite) -> bool:
        if self.permission is not None:
            return allowed(self.permission, request)
        assert self.model is not None
        model_admin = site._registry.get(self.model)
        if model_admin is None or not model_admin.has_module_permission(request):
            return False
        return any(model_admin.get_model_perms(request).values())


def allowed(permission: Permission, request: HttpRequest) -> bool:
    """Whether the person asking holds the permission (a name) or passes the test."""
    if isinstance(permission, str):
        return bool(request.user.has_perm(permission))
    return bool(permission(request))


class ScreenRegistry:
    """The screens every app declared, by key (a model's label or a URL name)."""

    def __init__(self) -> None:
        self._screens: dict[str, Screen] = {}

    def register(
        self,
        group: Group,
        *,
        icon: str,
        model: type[Model] | None = None,
        url_name: str = "",
        title: str = "",
        permission: Permission | None = None,
        order: int = 100,
    ) -> Screen:
        """Declare a screen; a model's screen is shown to whoever its admin lets view or change it."""
        if (model is None) == (not url_name):
            raise ImproperlyConfigured("A sidebar screen names either a model or an admin URL name.")
        if model is None and permission is None:
            raise ImproperlyConfigured(f"The sidebar screen {url_name!r} must say who may see it.")
        if model is not None and not title:
            title = capfirst(str(model._meta.verbose_name_plural))
        screen = Screen(group, title, icon, model, url_name, permission, order)
        if screen.key in self._screens:
            raise ImproperlyConfigured(f"The sidebar screen {screen.key!r} is declared twice.")
        self._screens[screen.key] = screen
        return screen

    def screens(self) -> list[Screen]:
        return list(self._screens.values())

    def models(self) -> set[type[Model]]:
        return {screen.model for screen in self._screens.values() if screen.model is not None}

    def navigation(self, request: HttpRequest, site: admin.AdminSite) -> list[dict[str, Any]]:
        """Unfold's sidebar groups for this person: the screens they may view, empty groups left out."""
        groups: list[dict[str, Any]] = [
            {
                "title": "",
                "items": [
                    {
                        "title": "Dashboard",
                        "icon": "space_dashboard",
                        "link": reverse(f"{site.name}:index", current_app=site.name),
                    }
                ],
            }
        ]
        for group in Group:
            screens = sorted(
                (s for s in self._screens.values() if s.group is group), key=lambda s: (s.order, s.title)
            )
            items = [_item(screen, site.name) for screen in screens if screen.visible_to(request, site)]
            if items:
                groups.append({"title": group.title, "separator": True, "items": items})
        return groups


def _item(screen: Screen, site_name: str) -> dict[str, Any]:
    try:
        link = screen.url(site_name)
    except NoReverseMatch as error:
        raise ImproperlyConfigured(f"The sidebar screen {screen.key!r} has no admin page.") from error
    return {"title": screen.title, "icon": screen.icon, "link": link}


#: The one registry of the admin site.
screens = ScreenRegistry()
register_screen = screens.register


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """Unfold's ``SIDEBAR["navigation"]``: the groups of ``admin.site`` for this request."""
    return screens.navigation(request, admin.site)


@dataclass(frozen=True)
class AccountLink:
    title: str
    url_name: str
    order: int = 100


_account_links: dict[str, AccountLink] = {}


def register_account_link(title: str, url_name: str, *, order: int = 100) -> None:
    """Put one of the person's own pages (inbox, second factor ...) in the user menu."""
    _account_links[url_name] = AccountLink(title, url_name, order)


def account_links(request: HttpRequest) -> list[dict[str, Any]]:
    """Unfold's ``ACCOUNT["navigation"]``: the person's own pages, in the user menu."""
    links = [
        {"title": link.title, "link": reverse(link.url_name)}
        for link in sorted(_account_links.values(), key=lambda link: (link.order, link.title))
    ]
    if request.user.is_authenticated and request.user.has_usable_password():
        links.append({"title": "Change password", "link": reverse("admin:password_change")})
    return links
