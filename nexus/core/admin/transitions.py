"""Transitions in the admin: buttons, change-list actions, history, and the transition log.

``TransitionAdminMixin`` goes before Unfold's ``ModelAdmin`` in a model's admin. It makes state
fields read-only, shows the object's transitions as buttons on its change page (each a POST to
a view of its own, never the change-form save), asks for a reason on an intermediate page when a
transition wants one, adds one change-list action per transition (each object in its own
transaction, one summary message), and lists the object's transition history. What a person
sent before a step-up prompt comes back on the page after it (``step_up``). Each runs the
transition service, which runs the writes the transition declares; application errors become
admin messages. ``TransitionLogAdmin`` lists every transition of the current tenant.
"""

import uuid
from typing import Any, ClassVar

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminTextareaWidget

from nexus.core.admin import confirmation
from nexus.core.errors import NexusError
from nexus.core.models import TransitionLog
from nexus.core.scope import current_tenant_id, in_system_context
from nexus.core.transitions import (
    TransitionResult,
    TransitionSpec,
    UnknownTransition,
    declared_transitions,
    perform_transition,
    state_fields,
    transition_choices,
    transition_spec,
)
from nexus.core.transitions.idempotency import MAX_KEY_LENGTH

from .extensions import object_links
from .locking import LockedEditAdminMixin
from .step_up import KeptSubmissionAdminMixin, restore_kept

ACTION_PREFIX = "transition_"


class TransitionForm(forms.Form):
    """What a person adds to a transition: a reason, and the key that makes a double submit harmless."""

    reason = forms.CharField(widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=MAX_KEY_LENGTH, required=False)
    # The row's version when the page was rendered (models with one; see ``confirmation``).
    version = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, spec: TransitionSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = spec.requires_reason
        self.fields["reason"].help_text = (
            f"Required: say why you {spec.verb} this." if spec.requires_reason else "Optional."
        )
        self.fields["reason"].error_messages["required"] = f"A reason is required to {spec.verb}."


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class TransitionAdminMixin(KeptSubmissionAdminMixin, LockedEditAdminMixin):
    """Transitions of the model as buttons, change-list actions and history (see module docstring)."""

    #: How many history rows the change page shows (newest first).
    transition_history_limit = 50
    change_form_template: ClassVar[Any] = "admin/transitions/change_form.html"
    transition_form_template = "admin/transitions/transition_form.html"
    transition_action_template = "admin/transitions/action_form.html"
    #: The field every write bumps; a transition refuses a row that moved past the page's value.
    version_field = confirmation.VERSION_FIELD

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """The declared read-only fields plus every state field: states change only by transitions."""
        declared = tuple(super().get_readonly_fields(request, obj))
        return (*declared, *(f.name for f in state_fields(self.model) if f.name not in declared))

    # -- running a transition ---------------------------------------------------------------

    def run_transition(
        self,
        request: HttpRequest,
        obj: Model,
        spec: TransitionSpec,
        *,
        reason: str = "",
        idempotency_key: str = "",
    ) -> TransitionResult:
        """Perform the transition, with its declared writes, as the requesting person."""
        return perform_transition(
            obj, spec.name, actor=request.user, reason=reason, idempotency_key=idempotency_key
        )

    # -- the change page --------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/transition/<str:transition>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            )
        ]
        # Before the defaults: their "<path:object_id>/" pattern would swallow these URLs.
        return [*own, *super().get_urls()]

    def transition_url(self, obj: Model, name: str) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_transition".format(*info),
            args=[quote(obj.pk), name],
            current_app=self.admin_site.name,
        )

    def change_url(self, obj: Model) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_change".format(*info), args=[quote(obj.pk)], current_app=self.admin_site.name
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            context["transition_buttons"] = self.transition_buttons(request, obj)
            context["transition_history"] = self.transition_history(obj)
            context["object_links"] = object_links(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def transition_buttons(self, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
        """The transitions leaving the object's state that this person may perform.

        Those whose conditions fail are shown disabled, with the reason as their title.
        """
        if not self.has_change_permission(request, obj):
            return []
        return [
            {
                "name": choice.name,
                "label": choice.label,
                "url": self.transition_url(obj, choice.name),
                "requires_reason": choice.requires_reason,
                "refusal": choice.refusal,
                "idempotency_key": new_idempotency_key(),
                "version": confirmation.rendered_version(obj, self.version_field),
            }
            for choice in transition_choices(obj, request.user)
        ]

    def response_change(self, request: HttpRequest, obj: Model) -> HttpResponse:
        """After "Save, then <transition>": the transition's confirmation page, showing the saved values."""
        names = {spec.name for spec in declared_transitions(self.model)}
        name = confirmation.requested_transition(request, names)
        if name:
            self.message_user(request, f"Saved “{obj}”. Check the saved values below, then confirm.")
            return HttpResponseRedirect(self.transition_url(obj, name))
        return super().response_change(request, obj)

    def transition_history(self, obj: Model) -> list[TransitionLog] | None:
        """The object's latest transitions in the current tenant (None when no tenant is selected)."""
        if current_tenant_id() is None and not in_system_context():
            return None
        rows = TransitionLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        return list(rows[: self.transition_history_limit])

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseBase:
        """Perform one transition on one object (POST); GET shows the confirmation/reason page."""
        spec = self._spec_or_404(transition)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            name = capfirst(self.opts.verbose_name)
            self.message_user(request, f"{name} with ID “{object_id}” does not exist.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:index", current_app=self.admin_site.name))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            form = TransitionForm(request.POST, spec=spec)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        if confirmation.changed_since(obj, form.cleaned_data["version"], self.version_field):
                            self.message_user(request, confirmation.stale_message(obj), messages.ERROR)
                            return HttpResponseRedirect(self.transition_url(obj, spec.name))
                        result = self.run_transition(
                            request,
                            obj,
                            spec,
                            reason=form.cleaned_data["reason"],
                            idempotency_key=form.cleaned_data["idempotency_key"],
                        )
                except NexusError as error:
                    self.message_user(request, error.detail, messages.ERROR)
                else:
                    self.message_user(request, self._done_message(spec, result), messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(obj))
        else:
            initial = {
                "idempotency_key": new_idempotency_key(),
                "version": confirmation.rendered_version(obj, self.version_field),
            }
            form = restore_kept(request, TransitionForm(initial=initial, spec=spec))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{spec.label} {obj._meta.verbose_name}",
            "subtitle": str(obj),
            "opts": self.opts,
            "object": obj,
            "spec": spec,
            "form": form,
            "change_url": self.change_url(obj),
            "has_view_permission": self.has_view_permission(request, obj),
            "summary": confirmation.object_summary(self, request, obj),
            "lines": confirmation.lines_summary(self, request, obj),
        }
        return TemplateResponse(request, self.transition_form_template, context)

    def _spec_or_404(self, name: str) -> TransitionSpec:
        try:
            return transition_spec(self.model, name)
        except UnknownTransition as error:
            raise Http404(error.detail) from error

    def _done_message(self, spec: TransitionSpec, result: TransitionResult) -> str:
        if result.replayed:
            return f"{spec.label}: this was already done for “{result.instance}” (the same request twice)."
        if spec.done_label:
            return f"{spec.done_label} “{result.instance}”."
        return f"{spec.label}: done for “{result.instance}”."

    # -- change-list actions ----------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET or not self.has_change_permission(request):
            return actions
        for spec in declared_transitions(self.model):
            name = f"{ACTION_PREFIX}{spec.name}"
            actions[name] = (self._action_for(spec), name, f"{spec.label} selected %(verbose_name_plural)s")
        return actions

    def _action_for(self, spec: TransitionSpec) -> Any:
        def action(modeladmin: TransitionAdminMixin, request: HttpRequest, queryset: QuerySet) -> Any:
            return modeladmin.transition_selected(request, queryset, spec)

        action.__name__ = f"{ACTION_PREFIX}{spec.name}"
        return action

    def transition_selected(
        self, request: HttpRequest, queryset: QuerySet, spec: TransitionSpec
    ) -> HttpResponse | None:
        """Perform ``spec`` on each selected object in its own transaction; report once.

        A transition that wants a reason first shows a page asking for it.
        """
        objects = list(queryset.order_by("pk"))
        reason = key = ""
        if spec.requires_reason:
            if "post" not in request.POST:
                form = TransitionForm(initial={"idempotency_key": new_idempotency_key()}, spec=spec)
                return self._render_action_form(request, objects, spec, form)
            form = TransitionForm(request.POST, spec=spec)
            if not form.is_valid():
                return self._render_action_form(request, objects, spec, form)
            reason, key = form.cleaned_data["reason"], form.cleaned_data["idempotency_key"]
        done, failures = 0, []
        for obj in objects:
            try:
                # One key per object, so submitting the same page twice replays instead of failing.
                self.run_transition(
                    request, obj, spec, reason=reason, idempotency_key=f"{key}:{obj.pk}" if key else ""
                )
            except NexusError as error:
                failures.append(f"#{obj.pk} {error.detail}")
            else:
                done += 1
        self.message_user(request, self._summary(spec, done, failures), self._summary_level(done, failures))
        return None

    def _render_action_form(
        self, request: HttpRequest, objects: list[Model], spec: TransitionSpec, form: TransitionForm
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": f"{spec.label} selected {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "objects": objects,
            "spec": spec,
            "form": form,
            "action_name": f"{ACTION_PREFIX}{spec.name}",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.transition_action_template, context)

    @staticmethod
    def _summary(spec: TransitionSpec, done: int, failures: list[str]) -> str:
        text = f"{spec.done_label} {done}" if spec.done_label else f"{spec.label}: {done} done"
        if failures:
            text += f"; {len(failures)} failed: " + "; ".join(failures)
        return text

    @staticmethod
    def _summary_level(done: int, failures: list[str]) -> int:
        if not failures:
            return messages.SUCCESS
        return messages.WARNING if done else messages.ERROR


class ObjectTypeFilter(admin.SimpleListFilter):
    """Filter by the model the transition belongs to, named as people call it."""

    title = "object type"
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        types = model_admin.get_queryset(request).order_by().values_list("object_type", flat=True).distinct()
        return sorted(((label, _model_name(label)) for label in types), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    title = "actor"
    parameter_name = "actor"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        actors = (
            model_admin.get_queryset(request)
            .order_by("actor_label", "actor_kind", "actor_id")
            .values_list("actor_kind", "actor_id", "actor_label")
            .distinct()
        )
        return [(f"{kind}:{actor_id}", label or kind) for kind, actor_id, label in actors]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or ":" not in value:
            return queryset
        kind, actor_id = value.split(":", 1)
        return queryset.filter(actor_kind=kind, actor_id=actor_id)


def _model_name(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return f"{capfirst(model._meta.verbose_name)} ({model._meta.app_config.verbose_name})"


@admin.register(TransitionLog)
class TransitionLogAdmin(ModelAdmin):
    """Every state change in the current tenant: read-only, filterable, searchable by object id."""

    list_display = (
        "occurred_at",
        "object_link",
        "transition",
        "from_state",
        "to_state",
        "actor_label",
        "short_reason",
    )
    list_filter = (ObjectTypeFilter, "transition", ActorFilter, "occurred_at")
    search_fields = ("=object_id", "=idempotency_key")
    search_help_text = "An object's id (exact), or an idempotency key."
    ordering = ("-occurred_at", "-id")
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="object", ordering="object_id")
    def object_link(self, log: TransitionLog) -> str:
        label = f"{_model_name(log.object_type).split(' (')[0]} #{log.object_id}"
        app_label, _, model_name = log.object_type.partition(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[log.object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="reason")
    def short_reason(self, log: TransitionLog) -> str:
        return Truncator(log.reason).chars(60)
