"""Change-form saves and deletes in the admin: the row locked first, re-checked, only changes saved.

Django runs a change-form POST (the object and its inlines) and a delete POST each in one
transaction, but reads the object before anything locks it. ``LockedEditAdminMixin`` opens that
transaction itself and takes the row ``FOR UPDATE`` before Django reads it, so the form, the
inlines and the save all work on a row that no transition can move meanwhile. Under the lock:

- ``refuse_edit(obj)`` may refuse the change or delete (documents: drafts only); the person
  gets the reason as an error message on the change page and nothing is written;
- a document's change form carries the ``version`` it showed (``opened_version``, hidden): a
  document at another version now is refused as a form error ("This purchase order changed
  since you opened it ..."), so a change made on an old page never overwrites a newer one;
- the save writes only the fields the form changed (``update_fields``), never a state.

A change page on which nothing can be changed offers no save buttons (``read_only``).

An application error raised on the way (a row that moved on since it was read, say) rolls the
whole request back and becomes an error message, never an error page.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django_fsm import ConcurrentTransition

from nexus.core.editing import lock_row, refuse_stale, save_fields
from nexus.core.errors import ConcurrentChange, NexusError
from nexus.core.models.workflow import VersionedWorkflowModel, WorkflowModel

from .read_only import NothingToSaveMixin

OPENED_VERSION = "opened_version"


class OpenedVersionForm(forms.ModelForm):
    """A document's change form: refused when the document is no longer the version it showed."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[OPENED_VERSION].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        opened = cleaned.get(OPENED_VERSION)
        if opened is not None:
            try:
                refuse_stale(self.instance, opened)  # the instance was read under the row's lock
            except ConcurrentChange as error:
                raise ValidationError(error.detail, code=error.code) from error
        return cleaned


class LockedEditAdminMixin(NothingToSaveMixin):
    """Lock, re-check and save only what changed (see the module docstring); no save buttons
    where nothing can be changed (``NothingToSaveMixin``)."""

    def refuse_edit(self, obj: Any) -> None:
        """Raise a ``NexusError`` when ``obj``'s state does not allow a change now (under the lock)."""

    # -- the views, under the row's lock --------------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        return self._under_lock(
            request,
            object_id,
            lambda: super(LockedEditAdminMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        return self._under_lock(
            request,
            object_id,
            lambda: super(LockedEditAdminMixin, self).delete_view(request, object_id, extra_context),
        )

    def _under_lock(
        self, request: HttpRequest, object_id: str, view: Callable[[], HttpResponseBase]
    ) -> HttpResponseBase:
        try:
            with transaction.atomic():
                locked = self._lock(object_id)
                if locked is not None:
                    self.refuse_edit(locked)
                return view()
        except (NexusError, ConcurrentTransition) as error:
            detail = error.detail if isinstance(error, NexusError) else ConcurrentChange.default_detail
            self.message_user(request, detail, messages.ERROR)
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(
                reverse(
                    "admin:{}_{}_change".format(*info), args=[object_id], current_app=self.admin_site.name
                )
            )

    def _lock(self, object_id: str) -> Any:
        try:
            pk = self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            return None  # Django answers the bad id as it always does
        return lock_row(self.model, pk)

    # -- the form: a document's version rides along -------------------------------------------

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if change and isinstance(obj, VersionedWorkflowModel):
            base: Any = kwargs.get("form") or self.form
            kwargs["form"] = type(base.__name__, (OpenedVersionForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if (
            not isinstance(obj, VersionedWorkflowModel)
            or not self.has_change_permission(request, obj)  # a read-only page posts nothing
            or OPENED_VERSION in flatten_fieldsets(fieldsets)
        ):
            return fieldsets
        name, options = fieldsets[0]
        fieldsets[0] = (name, {**options, "fields": [*options["fields"], OPENED_VERSION]})
        return fieldsets

    # -- saving only what changed --------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change or not isinstance(obj, WorkflowModel):
            super().save_model(request, obj, form, change)
            return
        model_fields = {field.name for field in obj._meta.concrete_fields}
        save_fields(obj, [name for name in form.changed_data if name in model_fields])
