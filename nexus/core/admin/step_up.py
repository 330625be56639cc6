"""Admin pages after the step-up prompt: what the person sent before it, back on the page.

A POST that needed a fresh second factor is kept by ``nexus.core.stepup.step_up_redirect``; the
page the prompt returns to shows it again, for the person to check and submit (nothing is
replayed on its own):

- a change or add form comes back filled in with the values sent (``KeptSubmissionAdminMixin``),
  with a message saying so;
- a change-list action comes back as a page listing the selected objects, with one button that
  runs the action on them;
- any other form (a transition's reason, a custom page) is filled in with ``restore_kept``.
"""

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin

from nexus.core.stepup import kept_submission

Form = TypeVar("Form", bound=BaseForm)
KEPT_MESSAGE = "What you entered before confirming it is you is back on the form: check it, then save."


def prefill(form: Form, kept: QueryDict | None) -> Form:
    """Fill an unbound form's fields with the values ``kept`` sent for them (as the widgets read them)."""
    if kept is None or form.is_bound:
        return form
    for name, field in form.fields.items():
        html_name = form.add_prefix(name)
        if field.disabled or field.widget.value_omitted_from_data(kept, {}, html_name):
            continue
        form.initial[name] = field.widget.value_from_datadict(kept, {}, html_name)
    return form


def restore_kept(request: HttpRequest, form: Form) -> Form:
    """Fill an unbound ``form`` from the submission kept across the prompt, telling the person so."""
    kept = kept_submission(request)
    if kept is not None and not form.is_bound:
        prefill(form, kept)
        messages.info(request, KEPT_MESSAGE)
    return form


class KeptSubmissionAdminMixin(ModelAdmin):
    """Show a change form or a change-list action again, as sent before the step-up prompt."""

    kept_action_template = "admin/step_up/kept_action.html"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        kept = kept_submission(request)
        if kept is None:
            return form_class

        def __init__(form: BaseForm, *args: Any, **init_kwargs: Any) -> None:
            form_class.__init__(form, *args, **init_kwargs)
            prefill(form, kept)

        return type(form_class.__name__, (form_class,), {"__init__": __init__})

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if kept_submission(request) is not None:
            self.message_user(request, KEPT_MESSAGE, messages.INFO)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        kept = kept_submission(request)
        if kept is not None and kept.get("action") in self.get_actions(request):
            return self._kept_action(request, kept)
        return super().changelist_view(request, extra_context)

    def _kept_action(self, request: HttpRequest, kept: QueryDict) -> HttpResponse:
        """The selected objects and one button that runs the chosen action on them."""
        name = kept["action"]
        _func, _name, description = self.get_actions(request)[name]
        selected = self.get_queryset(request).filter(pk__in=kept.getlist(ACTION_CHECKBOX_NAME)).order_by("pk")
        label = str(description) % {"verbose_name_plural": self.opts.verbose_name_plural}
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.opts,
            "objects": list(selected),
            "action_name": name,
            "action_label": label,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": kept.get("select_across") == "1",
        }
        return TemplateResponse(request, self.kept_action_template, context)
