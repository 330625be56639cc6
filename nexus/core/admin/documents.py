"""What every business document's admin shares: drafts editable, everything else read-only.

A document is edited (with its lines inline) only while it is a draft; afterwards its page is
read-only and changes happen through its transition buttons, which run through the kernel's
transition service (with the owning app's handlers where confirming, cancelling or posting
touches stock). Only drafts can be deleted. Transitions that only follow postings are not offered
as change-list actions. Each domain subclasses it to number its new documents.

Saves and deletes hold the document's row lock and check under it that it is still a draft and
still the version the page showed (``LockedEditAdminMixin``); a delete goes through
``delete_draft`` (a domain whose drafts hold something to give back overrides it).
"""

from collections.abc import Callable, Collection
from typing import Any

from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from unfold.admin import TabularInline

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.pagination import LargeListAdminMixin
from nexus.core.admin.transitions import ACTION_PREFIX, TransitionAdminMixin
from nexus.core.audit.changes import field_values, record_model_change, stored_values
from nexus.core.editing import delete_draft, refuse_unless_draft
from nexus.core.models.refs import ActorRef, ObjectRef


def _is_draft(obj: Any) -> bool:
    return obj is None or bool(obj.is_draft)


class DocumentAdmin(LargeListAdminMixin, TransitionAdminMixin, AuditedModelAdmin):
    #: Transitions that follow postings: never offered to people.
    automatic_transitions: Collection[str] = ()

    def number_new_document(self, obj: Any) -> None:
        """Give a new document its number; documents numbered later (on issue) keep none."""

    def refuse_edit(self, obj: Any) -> None:
        refuse_unless_draft(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # The deleting service audits the deletion itself.
        self.delete_draft(request, obj)

    def delete_draft(self, request: HttpRequest, obj: Any) -> None:
        """Delete the draft through its service; the default deletes it and its lines, audited."""
        delete_draft(obj, actor=ActorRef.for_user(request.user))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            self.number_new_document(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        """Save the lines and audit each line created, changed or deleted."""
        actor = ActorRef.for_user(request.user)
        # Keyed by the instance itself: a deleted line loses its primary key.
        before = {
            id(line_form.instance): (
                ObjectRef.for_instance(line_form.instance),
                stored_values(line_form.instance),
            )
            for line_form in formset.initial_forms
            if line_form.instance.pk is not None and line_form.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for line in formset.new_objects:
            record_model_change(line, "created", actor=actor, before=None, after=field_values(line))
        for line, _fields in formset.changed_objects:
            _ref, values = before[id(line)]
            record_model_change(line, "changed", actor=actor, before=values, after=field_values(line))
        for line in formset.deleted_objects:
            ref, values = before[id(line)]
            record_model_change(line, "deleted", actor=actor, before=values, after=None, obj=ref)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if _is_draft(obj):
            return fields
        editable = [
            field.name for field in self.model._meta.fields if field.editable and not field.primary_key
        ]
        return [*fields, *(name for name in editable if name not in fields)]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        for name in self.automatic_transitions:
            actions.pop(f"{ACTION_PREFIX}{name}", None)
        # Deleting in bulk would skip the draft check of each document.
        actions.pop("delete_selected", None)
        return actions


class DraftLinesInline(TabularInline):
    """Lines inline: editable while their document is a draft, read-only afterwards.

    ``source_lines`` names the foreign key to a line of the document this one is drawn from (a
    receipt's purchase-order line ...) and how to find that document's lines from the parent:
    the choice is limited to them (none until the document is saved with its source).
    """

    extra = 0
    source_lines: tuple[str, Callable[[Any], QuerySet[Any]]] | None = None
    _parent: Any = None

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        self._parent = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if self.source_lines is not None and db_field.name == self.source_lines[0]:
            if self._parent is None:
                kwargs["queryset"] = db_field.related_model.objects.none()
            else:
                kwargs["queryset"] = (
                    self.source_lines[1](self._parent).select_related("product", "order").order_by("id")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)
