"""Change pages with nothing to save offer no save buttons.

Django hides "Save" only from people without the change permission. A workflow record whose
state forbids edits (a computed landed cost, a released run) and a record whose fields are all
read-only (a replenishment line) keep that permission, because their transition buttons and
change-list actions need it, yet their page has nothing a save could write. So the rule is read
from the page as built: no visible editable field in the form and no inline that may add,
change or delete means no save buttons. Transition and follow-up buttons post to views of their
own and stay.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.helpers import AdminForm, InlineAdminFormSet
from django.forms import Field
from django.http import HttpRequest, HttpResponse
from unfold.admin import ModelAdmin

NO_SAVE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}


def nothing_to_save(adminform: AdminForm, inlines: Iterable[InlineAdminFormSet]) -> bool:
    """Whether a change page offers nothing to change: its form and inlines are all read-only.

    An inline counts when its lines can be deleted, or added or changed through a field that is
    not read-only (lines whose every field is read-only offer nothing, permission or not).
    """
    if _any_editable(adminform.form.fields.values()):
        return False
    return not any(
        inline.formset.can_delete
        or (
            (inline.has_add_permission or inline.has_change_permission)
            and _any_editable(inline.formset.form.base_fields.values())
        )
        for inline in inlines
    )


def _any_editable(fields: Iterable[Field]) -> bool:
    return any(not field.disabled and not field.widget.is_hidden for field in fields)


class NothingToSaveMixin(ModelAdmin):
    """Hide the save buttons of a change page on which nothing can be changed (module docstring)."""

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if change and not add and nothing_to_save(context["adminform"], context["inline_admin_formsets"]):
            context = {**context, **NO_SAVE}
        return super().render_change_form(request, context, add, change, form_url, obj)
