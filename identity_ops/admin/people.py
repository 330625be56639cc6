"""People's accounts, for platform operators: list, edit, lifecycle buttons, their logins."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from unfold.admin import TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm

from identity_ops.wiring import device_model, user_model
from identity_ops.workflows.lifecycle import PERSON_TRANSITIONS, end_person_logins
from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.transitions import TransitionAdminMixin
from nexus.core.errors import NexusError
from nexus.core.models import TransitionLog
from nexus.core.stepup import has_recent_mfa, step_up_redirect

from .exposure import ExposedTransitionsMixin
from .history import history_of

User = user_model()
Device = device_model()


class PersonForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_platform_operator")


class PersonCreationForm(BaseUserCreationForm):
    """Django's add form for the user admin; this admin offers no add page (see ``PersonAdmin``)."""

    class Meta:
        model = User
        fields = ("email", "full_name")


class DeviceInline(TabularInline):
    """The person's logins: browser sessions and API token devices, newest first (read-only)."""

    model = Device
    fields = (
        "kind",
        "tenant",
        "ip_address",
        "user_agent",
        "first_seen_at",
        "last_seen_at",
        "revoked_at",
        "revoked_reason",
    )
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-last_seen_at", "-id")
    verbose_name = "login"
    verbose_name_plural = "logins (sessions and API tokens)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("tenant")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class PersonAdmin(ExposedTransitionsMixin, TransitionAdminMixin, AuditedModelAdmin, DjangoUserAdmin):
    """Accounts are global: platform operators only (tenant roles hold no permission on them).

    People come in through sign-up, invitations and the ``add_member`` command, so there is no
    add form. The lifecycle runs from the buttons (suspending or deactivating ends every
    session and token of the person); passwords are set with Django's password form.
    """

    form = PersonForm
    add_form = PersonCreationForm
    change_password_form = AdminPasswordChangeForm
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    exposed_transitions = PERSON_TRANSITIONS
    list_display = ("email", "full_name", "status", "is_platform_operator", "last_login", "date_joined")
    list_filter = ("status", "is_platform_operator")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("status", "last_login", "date_joined", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Status", {"fields": ("status", "email_verified_at", "is_platform_operator")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ()
    inlines = [DeviceInline]
    audit_exclude = ("password",)
    actions = ("end_logins_selected", "reset_mfa_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the history stays

    def transition_history(self, obj: Model) -> list[TransitionLog] | None:
        return history_of(obj, tenant_id=None, limit=self.transition_history_limit)

    @admin.action(description="End every session and token of the selected people")
    def end_logins_selected(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponseRedirect | None:
        if not has_recent_mfa(request):  # ending others' logins needs a fresh second factor
            return step_up_redirect(request)
        try:
            ended = end_person_logins(list(queryset.values_list("pk", flat=True)), actor=request.user)
        except NexusError as error:
            self.message_user(request, error.detail, messages.ERROR)
            return None
        tokens = sum(e.tokens for e in ended.values())
        sessions = sum(e.sessions for e in ended.values())
        self.message_user(request, f"Ended {sessions} session(s) and {tokens} token(s).", messages.SUCCESS)
        return None

    @admin.action(description="Reset the second factors of the selected people")
    def reset_mfa_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponseRedirect:
        ids = list(queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin-mfa-reset')}?{urlencode({'ids': ids}, doseq=True)}")
