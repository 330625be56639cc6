"""Invitations in the admin: invite (a form of its own), revoke with a reason, send again."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from identity_ops.models import Invitation, InvitationStatus
from identity_ops.wiring import access, tenants
from identity_ops.workflows.invitations import INVITATION_TRANSITIONS, invite, resend_invitation
from nexus.core.admin.transitions import TransitionAdminMixin
from nexus.core.errors import NexusError

from .exposure import ExposedTransitionsMixin
from .tenant_scoped import MembershipRightsAdmin


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=150, required=False, help_text="Used to greet them in the email.")
    role = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in tenants().roles()]  # type: ignore[attr-defined]


@admin.register(Invitation)
class InvitationAdmin(ExposedTransitionsMixin, TransitionAdminMixin, MembershipRightsAdmin):
    exposed_transitions = INVITATION_TRANSITIONS
    list_display = ("email", "role", "status", "invited_by", "expires_at", "sent_count", "created_at")
    list_filter = ("status", "role")
    search_fields = ("email", "full_name")
    ordering = ("-created_at", "-id")
    list_select_related = ("invited_by",)
    fields = (
        "email",
        "full_name",
        "role",
        "status",
        "invited_by",
        "user",
        "membership",
        "expires_at",
        "sent_count",
        "last_sent_at",
        "accepted_at",
        "revoked_at",
        "expired_at",
        "created_at",
    )
    readonly_fields = fields
    invite_form_template = "admin/identity_ops/invitation/invite_form.html"
    change_form_template = "admin/identity_ops/invitation/change_form.html"
    actions = ("resend_selected",)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                "<path:object_id>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name="{}_{}_resend".format(*info),
            )
        ]
        return [*own, *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Invite someone: the invitation flow creates the account (if new), membership and email."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                invitation = invite(
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    full_name=form.cleaned_data["full_name"],
                    actor=request.user,
                    client=access().client(request),
                )
            except NexusError as error:
                _add_errors(form, error)
            else:
                self.message_user(
                    request, f"Invited {invitation.email}; the email is on its way.", messages.SUCCESS
                )
                return HttpResponseRedirect(self.change_url(invitation))
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite someone",
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.invite_form_template, context)

    def resend_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or request.method != "POST":
            return HttpResponseRedirect("../")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            resend_invitation(obj.pk, actor=request.user)
        except NexusError as error:
            self.message_user(request, error.detail, messages.ERROR)
        else:
            self.message_user(
                request, f"Sent the invitation to {obj.email} again, with a new link.", messages.SUCCESS
            )
        return HttpResponseRedirect(self.change_url(obj))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        context["can_resend"] = bool(
            obj is not None
            and obj.status == InvitationStatus.PENDING
            and self.has_change_permission(request, obj)
        )
        return super().change_view(request, object_id, form_url, context)

    @admin.action(description="Send the selected invitations again (new links)")
    def resend_selected(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        done, failures = 0, []
        for invitation in queryset.order_by("pk"):
            try:
                resend_invitation(invitation.pk, actor=request.user)
            except NexusError as error:
                failures.append(f"{invitation.email}: {error.detail}")
            else:
                done += 1
        text = f"Sent {done} invitation(s) again"
        if failures:
            text += f"; {len(failures)} not sent: " + "; ".join(failures)
        self.message_user(request, text, messages.WARNING if failures else messages.SUCCESS)


def _add_errors(form: forms.Form, error: NexusError) -> None:
    if not error.fields:
        form.add_error(None, error.detail)
    for name, problems in error.fields.items():
        form.add_error(name if name in form.fields else None, problems)
