"""What every business document's admin shares: drafts editable, everything else read-only.

A document is edited (with its lines inline) only while it is a draft; afterwards its page is
read-only and changes happen through its transition buttons, which run through the kernel's
transition service (with the owning app's handlers where confirming, cancelling or posting
touches stock). Only drafts can be deleted. Transitions that only follow postings are not offered
as change-list actions. Each domain subclasses it to number its new documents.

Saves and deletes hold the document's row lock and check under it that it is still a draft and
still the version the page showed (``LockedEditAdminMixin``); a delete goes through
``delete_draft`` (a domain whose drafts hold something to give back overrides it).

A document may offer follow-up buttons (``FollowUpButton``): "Receive" on a purchase order
drafts the goods receipt through the domain's service and opens it.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from unfold.admin import TabularInline

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.pagination import LargeListAdminMixin
from nexus.core.admin.transitions import ACTION_PREFIX, TransitionAdminMixin
from nexus.core.audit.changes import field_values, record_model_change, stored_values
from nexus.core.editing import delete_draft, refuse_unless_draft
from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef, ObjectRef

from .links import admin_link


def _is_draft(obj: Any) -> bool:
    return obj is None or bool(obj.is_draft)


@dataclass(frozen=True)
class FollowUpButton:
    """A button on a document's page that gets the next document from it and opens that one.

    ``follow_up(document)`` is the domain's service: it returns the follow-up document and
    whether it made it now (False: one was already waiting, and that one opens). The button is
    shown while ``offered(document)`` holds, to people holding ``permission``.
    """

    name: str
    label: str
    permission: str
    offered: Callable[[Any], bool]
    follow_up: Callable[[Any], tuple[Model, bool]]
    #: The success message; ``{made}`` and ``{source}`` become links to the two documents.
    made: str
    waiting: str = "{made} was already waiting for {source}; here it is."


class DocumentAdmin(LargeListAdminMixin, TransitionAdminMixin, AuditedModelAdmin):
    #: Transitions that follow postings: never offered to people.
    automatic_transitions: Collection[str] = ()
    #: Buttons that draft the next document ("Receive", "Ship") on the change page.
    follow_up_buttons: tuple[FollowUpButton, ...] = ()

    def number_new_document(self, obj: Any) -> None:
        """Give a new document its number; documents numbered later (on issue) keep none."""

    def refuse_edit(self, obj: Any) -> None:
        refuse_unless_draft(obj)

    # -- follow-up buttons ------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/follow-up/<str:button>/",
                self.admin_site.admin_view(self.follow_up_view),
                name="{}_{}_follow_up".format(*info),
            )
        ]
        return [*own, *super().get_urls()]

    def offered_follow_ups(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        info = self.opts.app_label, self.opts.model_name
        return [
            {
                "name": button.name,
                "label": button.label,
                "url": reverse(
                    "admin:{}_{}_follow_up".format(*info),
                    args=[quote(obj.pk), button.name],
                    current_app=self.admin_site.name,
                ),
            }
            for button in self.follow_up_buttons
            if request.user.has_perm(button.permission) and button.offered(obj)
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if self.follow_up_buttons and request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                context["follow_up_buttons"] = self.offered_follow_ups(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def follow_up_view(self, request: HttpRequest, object_id: str, button: str) -> HttpResponseBase:
        """Get the follow-up document through the domain's service (POST) and open it."""
        chosen = next((b for b in self.follow_up_buttons if b.name == button), None)
        obj = self.get_object(request, unquote(object_id))
        if chosen is None or obj is None:
            raise Http404(f"No {self.opts.verbose_name} with a “{button}” button here.")
        if not (
            self.has_view_or_change_permission(request, obj) and request.user.has_perm(chosen.permission)
        ):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self.change_url(obj))
        try:
            document, made_now = chosen.follow_up(obj)
        except NexusError as error:
            self.message_user(request, error.detail, messages.ERROR)
            return HttpResponseRedirect(self.change_url(obj))
        text = chosen.made if made_now else chosen.waiting
        message = format_html(text, made=admin_link(document), source=admin_link(obj))
        self.message_user(request, message, messages.SUCCESS if made_now else messages.INFO)
        return HttpResponseRedirect(
            reverse(
                f"admin:{document._meta.app_label}_{document._meta.model_name}_change",
                args=[quote(document.pk)],
                current_app=self.admin_site.name,
            )
        )

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
