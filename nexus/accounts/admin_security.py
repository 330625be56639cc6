"""Admin screens for login security: lockouts of a tenant's members, and the tenant's service tokens.

Platform operators see every row; a tenant administrator sees the lockouts of the tenant's
members and the tenant's service tokens. Clearing a lockout and revoking a token are list
actions; creating a service token needs a recent second factor (step-up) and shows the key once,
as does taking one over (a token suspended with its owner lists the reason).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from unfold.admin import ModelAdmin

from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.step_up import KeptSubmissionAdminMixin, restore_kept
from nexus.core.errors import NexusError
from nexus.core.scope import current_tenant_id
from nexus.core.stepup import has_recent_mfa, step_up_redirect
from nexus.tenancy.access import role_in
from nexus.tenancy.models import Role

from . import lockout, service_token_owners, service_tokens
from .models import LoginThrottle, ServiceToken, User
from .token_scopes import TokenScope


def _tenant_admin(request: HttpRequest) -> int | None:
    """The current tenant's id when the person administers it."""
    tenant_id = current_tenant_id()
    if tenant_id is None or not request.user.is_authenticated:
        return None
    return tenant_id if role_in(request.user, tenant_id) == Role.ADMIN else None


def _operator(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_platform_operator", False))


class ReadOnlySecurityAdmin(ModelAdmin):
    """Rows change only through the actions; operators and the tenant's administrators see them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _operator(request) or _tenant_admin(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LoginThrottle)
class LockoutAdmin(ReadOnlySecurityAdmin):
    list_display = (
        "username",
        "ip_address",
        "failures",
        "attempts",
        "locked_until",
        "lockouts",
        "last_attempt_at",
    )
    list_filter = ("locked_until",)
    search_fields = ("username", "ip_address")
    list_select_related = ("user",)
    actions = ["clear_lockouts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LoginThrottle]:
        if _operator(request):
            return LoginThrottle.objects.select_related("user")
        tenant_id = _tenant_admin(request)
        if tenant_id is None:
            return LoginThrottle.objects.none()
        return (
            LoginThrottle.objects.filter(user__memberships__tenant_id=tenant_id)
            .select_related("user")
            .distinct()
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action; there is no change form (every field is read-only).
        return self.has_module_permission(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in LoginThrottle._meta.fields]

    @admin.action(description="Clear the selected lockouts")
    def clear_lockouts(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        cleared = 0
        for throttle_id in queryset.values_list("pk", flat=True):
            lockout.clear_lockout(throttle_id, cleared_by=request.user)
            cleared += 1
        messages.success(request, f"Cleared {cleared} lockout{'s' if cleared != 1 else ''}.")


class ServiceTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Which integration uses it.")
    scopes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="What the integration does. It gets only what your own role allows in this tenant, "
        "and never writes the audit trail.",
    )
    expires_at = forms.DateTimeField(required=False, help_text="Leave empty for no expiry (at most a year).")

    def __init__(self, *args: Any, scopes: list[TokenScope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(scope.key, f"{scope.label}: {scope.description}") for scope in scopes]


@admin.register(ServiceToken)
class ServiceTokenAdmin(KeptSubmissionAdminMixin, ReadOnlySecurityAdmin):
    list_display = (
        "name",
        "key_prefix",
        "tenant",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "suspension",
    )
    list_filter = ("revoked_at", "suspension_reason")
    search_fields = ("name", "key_prefix")
    list_select_related = ("tenant", "created_by")
    actions = ["revoke_tokens", "take_over_tokens"]

    @admin.display(description="Suspended", ordering="suspended_at")
    def suspension(self, token: ServiceToken) -> str:
        if token.suspended_at is None:
            return ""
        return f"{token.get_suspension_reason_display()} ({token.suspended_at:%Y-%m-%d %H:%M})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceToken]:
        tokens = ServiceToken.objects.select_related("tenant", "created_by", "revoked_by")
        if _operator(request) and current_tenant_id() is None:
            return tokens
        tenant_id = _tenant_admin(request)
        return tokens.filter(tenant_id=tenant_id) if tenant_id is not None else tokens.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _tenant_admin(request) is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _tenant_admin(request) is not None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in ServiceToken._meta.fields if field.name != "digest"]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["digest"]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Create a token (step-up first); the key is shown once, in the confirmation message."""
        tenant_id = _tenant_admin(request)
        if tenant_id is None:
            return HttpResponseRedirect("../")
        if not has_recent_mfa(request):
            return step_up_redirect(request)
        user: User = request.user  # type: ignore[assignment]
        form = ServiceTokenForm(request.POST or None, scopes=service_tokens.offered_scopes(user, tenant_id))
        restore_kept(request, form)
        if request.method == "POST" and form.is_valid():
            try:
                created = service_tokens.create_service_token(
                    creator=user,
                    tenant_id=tenant_id,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.cleaned_data["expires_at"],
                )
            except NexusError as error:
                for field, problems in error.fields.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.warning(
                    request,
                    f"Service token {created.token.name!r} created. Its key, shown only now: {created.key}",
                )
                return HttpResponseRedirect("../")
        context = {
            **self.admin_site.each_context(request),
            "title": "Create a service token",
            "form": form,
            "opts": self.model._meta,
        }
        return self._render_form(request, context)

    def _render_form(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        return render(request, "admin/accounts/servicetoken/create.html", context)

    @admin.action(description="Revoke the selected service tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ServiceToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            service_tokens.revoke_service_token(token.pk, tenant_id=token.tenant_id, revoked_by=request.user)  # type: ignore[arg-type]
            revoked += 1
        messages.success(request, f"Revoked {revoked} service token{'s' if revoked != 1 else ''}.")

    @admin.action(description="Take over the selected service tokens (you become their owner)")
    def take_over_tokens(self, request: HttpRequest, queryset: QuerySet[ServiceToken]) -> HttpResponse | None:
        """Become the owner of tokens of this tenant (a suspended one resumes); step-up first."""
        tenant_id = _tenant_admin(request)
        if tenant_id is None:
            messages.error(request, "Only an administrator of this tenant can take over its tokens.")
            return None
        if not has_recent_mfa(request):
            return step_up_redirect(request)
        taken = 0
        for token_id in queryset.filter(tenant_id=tenant_id).values_list("pk", flat=True):
            try:
                service_token_owners.take_over_service_token(token_id, tenant_id=tenant_id, by=request.user)  # type: ignore[arg-type]
            except NexusError as error:
                messages.error(request, f"Token {token_id}: {error.detail}")
            else:
                taken += 1
        messages.success(request, f"You now own {taken} service token{'s' if taken != 1 else ''}.")
        return None


register_screen(Group.PEOPLE_AND_ACCESS, model=ServiceToken, icon="key", order=60)
register_screen(
    Group.PEOPLE_AND_ACCESS, model=LoginThrottle, title="Sign-in lockouts", icon="lock_clock", order=70
)
