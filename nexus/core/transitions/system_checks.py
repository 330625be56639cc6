"""System checks: transitions declared correctly, and state fields writable nowhere but here.

A state changes only through the transition service, so a state field editable in an admin form
(add or change, inlines included) or writable in a serializer the URLconf serves is an error
(``nexus.E110``/``nexus.E111``): an edit would bypass the lock, the checks and the records.
Forms and serializers are built the way their views build them, with an inspecting request that
holds every permission; one that cannot be built that way is reported as a warning to look at.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import AppConfig, apps
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.sites import all_sites
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import models
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.serializers import BaseSerializer, ListSerializer, ModelSerializer, Serializer

from nexus.core.events import CATALOGUE

from .declarations import OPTION_KEYS, declared_transitions, state_fields
from .events import PAYLOAD_METHOD


@register(Tags.models)
def check_transition_declarations(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Transition options are known keys, agree across sources, and name catalogued events."""
    messages: list[CheckMessage] = []
    for model in _models(app_configs):
        for spec in declared_transitions(model):
            where = f"{model._meta.label}.{spec.name}"
            customs = [edge.custom for edge in spec.edges]
            unknown = sorted({key for custom in customs for key in custom} - OPTION_KEYS)
            if unknown:
                messages.append(
                    Error(
                        f"{where} declares unknown transition options: {', '.join(unknown)}.",
                        hint=f"Known options: {', '.join(sorted(OPTION_KEYS))} (use transition_options()).",
                        obj=model,
                        id="nexus.E101",
                    )
                )
            if any(custom != customs[0] for custom in customs):
                messages.append(
                    Error(
                        f"{where} declares different options for different source states.",
                        hint="Declare one custom=transition_options(...) for every source of a transition.",
                        obj=model,
                        id="nexus.E102",
                    )
                )
            if any(edge.on_error for edge in spec.edges):
                messages.append(
                    Error(
                        f"{where} declares on_error, which would never be saved.",
                        hint="The transition service rolls the whole transition back when it raises.",
                        obj=model,
                        id="nexus.E103",
                    )
                )
            if spec.event and spec.event not in CATALOGUE:
                messages.append(
                    Error(
                        f"{where} publishes {spec.event!r}, which is not in the event catalogue.",
                        hint="Declare the event in nexus/core/events/catalogue.py first.",
                        obj=model,
                        id="nexus.E104",
                    )
                )
            if spec.event and not callable(getattr(model, PAYLOAD_METHOD, None)):
                messages.append(
                    Error(
                        f"{where} publishes {spec.event!r} but {model.__name__} has no {PAYLOAD_METHOD}().",
                        hint=f"Define {PAYLOAD_METHOD}(self, transition_name) returning the event payload.",
                        obj=model,
                        id="nexus.E105",
                    )
                )
    return messages


@register(Tags.admin)
def check_state_fields_in_admin(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return admin_state_field_messages(all_sites)


@register(Tags.urls)
def check_state_fields_in_api(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    return api_state_field_messages(get_resolver().url_patterns)


def admin_state_field_messages(sites: Iterable[AdminSite]) -> list[CheckMessage]:
    """An error for each state field an add or change form of the sites' ModelAdmins can edit."""
    messages: list[CheckMessage] = []
    for site in list(sites):
        for model, model_admin in site._registry.items():
            try:
                found = list(_editable_state_fields_in_admin(model, model_admin, site))
            except Exception as exc:  # a custom admin that needs a real request
                messages.append(
                    Warning(
                        f"Could not build the {site.name} admin forms of {model._meta.label} to check "
                        f"its state fields: {exc!r}.",
                        hint="Make sure no state field is editable there.",
                        obj=type(model_admin),
                        id="nexus.W110",
                    )
                )
                continue
            messages.extend(
                Error(
                    f"{label}.{name} is a state field but is editable in the {where} of "
                    f"{type(model_admin).__qualname__} ({site.name} admin site).",
                    hint="Add it to readonly_fields (TransitionAdminMixin does) and change the state "
                    "through transitions.",
                    obj=type(model_admin),
                    id="nexus.E110",
                )
                for label, name, where in found
            )
    return messages


class _InspectingUser:
    """Holds every permission and every ``is_...`` flag (platform operator, staff ...), so forms
    are built with everything any user could ever be shown."""

    pk = None
    is_anonymous = False

    def __getattr__(self, name: str) -> bool:
        if name.startswith("is_"):
            return True
        raise AttributeError(name)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        return True

    def has_module_perms(self, app_label: str) -> bool:
        return True


def _inspecting_request() -> Any:
    request: Any = RequestFactory().get("/")
    request.user = _InspectingUser()
    return request


def _editable_state_fields_in_admin(
    model: type[models.Model], model_admin: ModelAdmin, site: AdminSite
) -> Iterator[tuple[str, str, str]]:
    request = _inspecting_request()
    names = {field.name for field in state_fields(model)}
    if names:
        for where, obj, change in (("add form", None, False), ("change form", model(), True)):
            form = model_admin.get_form(request, obj, change=change)
            for name in sorted(names & set(form.base_fields)):
                yield model._meta.label, name, where
    for inline_class in model_admin.inlines:
        inline: InlineModelAdmin = inline_class(model, site)
        inline_names = {field.name for field in state_fields(inline.model)}
        if not inline_names:
            continue
        formset = inline.get_formset(request, None)
        for name in sorted(inline_names & set(formset.form.base_fields)):
            yield inline.model._meta.label, name, f"inline {inline_class.__qualname__} of {model._meta.label}"


def api_state_field_messages(url_patterns: Iterable[Any]) -> list[CheckMessage]:
    """An error for each state field a serializer of the given URL patterns' views can write."""
    messages: list[CheckMessage] = []
    seen: set[type[BaseSerializer]] = set()
    for route, view_class, serializer_class in _served_serializers(url_patterns):
        if serializer_class in seen:
            continue
        seen.add(serializer_class)
        try:
            found = list(_writable_state_fields(serializer_class(context={}), set()))
        except Exception as exc:  # a serializer that needs a request in its context
            messages.append(
                Warning(
                    f"Could not build {serializer_class.__qualname__} (served at {route} by "
                    f"{view_class.__qualname__}) to check its state fields: {exc!r}.",
                    hint="Make sure no state field is writable there.",
                    obj=serializer_class,
                    id="nexus.W111",
                )
            )
            continue
        messages.extend(
            Error(
                f"{label}.{name} is a state field but {serializer_class.__qualname__} (served at "
                f"{route} by {view_class.__qualname__}) can write it as {field_name!r}.",
                hint="Make the field read-only (read_only_fields, or TransitionsSerializerMixin) and "
                "change the state through a transition action.",
                obj=serializer_class,
                id="nexus.E111",
            )
            for label, name, field_name in found
        )
    return messages


def _served_serializers(
    url_patterns: Iterable[Any], prefix: str = ""
) -> Iterator[tuple[str, type[Any], type[BaseSerializer]]]:
    for entry in url_patterns:
        if isinstance(entry, URLResolver):
            yield from _served_serializers(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "cls", None)
            if view_class is None:
                continue
            route = "/" + prefix + str(entry.pattern)
            for serializer_class in _serializer_classes(view_class, entry.callback):
                yield route, view_class, serializer_class


def _serializer_classes(view_class: type[Any], callback: Any) -> list[type[BaseSerializer]]:
    """Every serializer class the view uses: its attribute, per-action overrides, transition inputs."""
    initkwargs: dict[str, Any] = getattr(callback, "initkwargs", None) or {}
    actions: dict[str, str] = getattr(callback, "actions", None) or {}
    found: list[Any] = [initkwargs.get("serializer_class"), getattr(view_class, "serializer_class", None)]
    found.extend(getattr(view_class, "transition_serializers", {}).values())
    if hasattr(view_class, "get_serializer_class"):
        for action in dict.fromkeys(actions.values()):
            view = view_class(**initkwargs)
            view.action_map, view.action, view.args, view.kwargs = actions, action, (), {}
            view.request = None
            view.format_kwarg = None
            try:
                found.append(view.get_serializer_class())
            except Exception:  # noqa: S112  # depends on the request; the class attribute was taken
                continue
    return [cls for cls in dict.fromkeys(found) if isinstance(cls, type) and issubclass(cls, BaseSerializer)]


def _writable_state_fields(serializer: Any, visiting: set[type[Any]]) -> Iterator[tuple[str, str, str]]:
    if type(serializer) in visiting:
        return
    visiting = visiting | {type(serializer)}
    if isinstance(serializer, ListSerializer):
        yield from _writable_state_fields(serializer.child, visiting)
        return
    if not isinstance(serializer, Serializer):
        return
    model = (
        getattr(getattr(serializer, "Meta", None), "model", None)
        if isinstance(serializer, ModelSerializer)
        else None
    )
    names: dict[str, str] = {}
    if model is not None:
        for state_field in state_fields(model):
            names[state_field.name] = state_field.name
            names[state_field.attname] = state_field.name
    for field_name, field in serializer.fields.items():
        if isinstance(field, BaseSerializer):
            if not field.read_only:
                yield from _writable_state_fields(field, visiting)
            continue
        source = str(field.source_attrs[0] if getattr(field, "source_attrs", None) else field.source)
        if model is not None and not field.read_only and source in names:
            yield model._meta.label, names[source], field_name


def _models(app_configs: Iterable[AppConfig] | None) -> list[type[models.Model]]:
    if app_configs is None:
        return list(apps.get_models())
    return [model for config in app_configs for model in config.get_models()]
