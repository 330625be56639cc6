"""Transitions never act on values the person has not seen.

Two guards, both generic over models:

- **Unsaved edits.** A transition button on a change page is a separate form, so it would act on
  the saved row while the page shows other, unsaved values. The page's script
  (``nexus/admin/unsaved_changes.js``) stops such a button and offers "Save, then <transition>":
  the change form is saved as usual with ``THEN_TRANSITION`` naming the transition, and
  ``after_save_redirect`` then sends the person to the transition's confirmation page, which
  shows the saved values (``object_summary``, ``lines_summary``) before anything happens.
- **Changed since rendered.** A model with a version field (an integer every write bumps) has
  that value carried by every transition form; the transition is refused, changing nothing,
  when the row's version under lock is no longer the one the page was rendered with.
"""

from typing import Any

from django.contrib.admin.options import IS_POPUP_VAR, BaseModelAdmin
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    flatten,
    label_for_field,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.http import HttpRequest
from django.utils.text import capfirst

#: The change form's marker: after a normal save, confirm this transition.
THEN_TRANSITION = "_then_transition"
#: The name of the field that every write bumps (the integrity work's optimistic version).
VERSION_FIELD = "version"
EMPTY = "—"


def version_field(model: type[Model], name: str = VERSION_FIELD) -> "Field[Any, Any] | None":
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def rendered_version(obj: Model, name: str = VERSION_FIELD) -> str | None:
    """The row's version as a form carries it, or None for a model without one."""
    field = version_field(type(obj), name)
    return None if field is None else field.value_to_string(obj)


def changed_since(obj: Model, submitted: str | None, name: str = VERSION_FIELD) -> bool:
    """Whether the row (locked now, in the caller's transaction) moved past the version submitted.

    A form without a version (a model without the field, or an older page) is not refused.
    """
    field = version_field(type(obj), name)
    if field is None or not submitted:
        return False
    manager = type(obj)._default_manager
    current = manager.select_for_update().filter(pk=obj.pk).values_list(field.attname, flat=True).first()
    setattr(obj, field.attname, current)
    return field.value_to_string(obj) != submitted


def stale_message(obj: Model) -> str:
    name = obj._meta.verbose_name
    return (
        f"This {name} changed since you opened it: nothing was done. "
        f"Check its current values, then try again if it still applies."
    )


def requested_transition(request: HttpRequest, names: set[str]) -> str:
    """The transition a "Save, then …" submit asked for ("" when none, or in a popup)."""
    name = request.POST.get(THEN_TRANSITION, "")
    if IS_POPUP_VAR in request.POST or name not in names:
        return ""
    return name


def _value(model_admin: BaseModelAdmin, obj: Model, name: str) -> str:
    field, _attr, value = lookup_field(name, obj, model_admin)
    if field is None:
        return str(display_for_value(value, EMPTY))
    if field.is_relation:
        return EMPTY if value is None else str(value)
    return str(display_for_field(value, field, EMPTY))


def object_summary(model_admin: BaseModelAdmin, request: HttpRequest, obj: Model) -> list[tuple[str, str]]:
    """(label, value) of every field the change page shows, as saved."""
    names = flatten(model_admin.get_fields(request, obj))
    return [
        (capfirst(str(label_for_field(name, type(obj), model_admin))), _value(model_admin, obj, name))
        for name in names
    ]


def lines_summary(model_admin: Any, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
    """Each inline's rows as saved: a title, the column labels and the displayed values."""
    tables = []
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        names = [name for name in flatten(inline.get_fields(request, obj)) if name != formset.fk.name]
        rows = inline.get_queryset(request).filter(**{formset.fk.name: obj}).order_by("pk")
        tables.append(
            {
                "title": capfirst(str(inline.verbose_name_plural or inline.model._meta.verbose_name_plural)),
                "headers": [capfirst(str(label_for_field(name, inline.model, inline))) for name in names],
                "rows": [[_value(inline, row, name) for name in names] for row in rows],
            }
        )
    return tables
