"""The admin site: admits platform operators and staff of the current tenant; switches tenants."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, URLPattern, URLResolver, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from unfold.forms import AuthenticationForm as UnfoldAuthenticationForm
from unfold.sites import UnfoldAdminSite

from nexus.core import scope
from nexus.core.errors import Throttled
from nexus.core.scope import current_tenant_id

from .access import SELECTED_TENANT_SESSION_KEY, admin_memberships, may_use_admin_in
from .middleware import tenant_unavailable


class NexusAdminLoginForm(UnfoldAuthenticationForm):
    """Log in only people the admin admits somewhere: operators, or staff of an active tenant."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "no_admin_access": (
            "This account has no staff role in an active tenant, so it cannot use the "
            "administration. Ask an administrator of your tenant for access."
        ),
    }

    def clean(self) -> dict[str, Any]:
        # A paced account (too many failures from anywhere) is told when to retry, as in the API.
        try:
            return super().clean()
        except Throttled as error:
            raise ValidationError(error.detail, code=error.code) from error

    def confirm_login_allowed(self, user: Any) -> None:
        # The inactive-account check only; Django's is_staff test is replaced by the rule below.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not user.is_platform_operator and not admin_memberships(user) and not self._for_a_person_page():
            raise ValidationError(self.error_messages["no_admin_access"], code="no_admin_access")

    def _for_a_person_page(self) -> bool:
        """Signing in to return to a page for people rather than the admin (``NEXUS_PERSON_PAGES``).

        Accepting an invitation with an existing account asks its owner to sign in first, whether
        or not they have a staff role anywhere yet; the admin itself still admits only staff.
        """
        wanted = urlsplit(self.request.GET.get(REDIRECT_FIELD_NAME, "")) if self.request else None
        return bool(wanted and not wanted.netloc and wanted.path in settings.NEXUS_PERSON_PAGES)


class NexusAdminSite(UnfoldAdminSite):
    """``admin.site``: platform operators, or an active staff-role membership in the current tenant.

    The current tenant is the one the session selected (``TenantMiddleware``); the header shows
    a switcher among the person's admin tenants. Logging in selects the first one (by name)
    unless a still-usable selection exists.
    """

    site_header = "Nexus administration"
    site_title = "Nexus"
    index_title = "Back office"
    login_form = NexusAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin_in(request.user, current_tenant_id())

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        user = request.user
        context["nexus_current_tenant"] = getattr(request, "tenant", None)
        context["nexus_tenant_choices"] = admin_memberships(user) if user.is_authenticated else []
        return context

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("tenant/switch/", self.switch_tenant, name="switch_tenant"),
            *super().get_urls(),
        ]

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            select_default_tenant(request)
        return response

    def switch_tenant(self, request: HttpRequest) -> HttpResponseBase:
        return _switch_tenant(request, self)


def select_default_tenant(request: HttpRequest) -> None:
    """Keep the session's tenant if the admin still admits the person there, else pick the first."""
    choices = admin_memberships(request.user)
    selected = request.session.get(SELECTED_TENANT_SESSION_KEY)
    if any(membership.tenant_id == selected for membership in choices):
        return
    if choices:
        request.session[SELECTED_TENANT_SESSION_KEY] = choices[0].tenant_id
    else:
        request.session.pop(SELECTED_TENANT_SESSION_KEY, None)


def _model_admin_of(site: admin.AdminSite, url_name: str) -> "ModelAdmin[Any] | None":
    for model, model_admin in site._registry.items():
        if url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model_admin
    return None


def page_in_tenant(request: HttpRequest, site: admin.AdminSite, wanted: str, tenant_id: int | None) -> str:
    """Where to land after switching to ``tenant_id``: ``wanted`` if it exists there, else the index.

    A model's page exists there when the person may use it in that tenant (their role there) and,
    for one object's pages, when the object belongs to that tenant.
    """
    index = reverse("admin:index", current_app=site.name)
    if not wanted or not url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return index
    try:
        match = resolve(urlsplit(wanted).path)
    except Resolver404:
        return index
    if not match.url_name:  # the admin's catch-all: no such page
        return index
    model_admin = _model_admin_of(site, match.url_name or "") if match.namespace == site.name else None
    if model_admin is None:
        return wanted
    with scope.tenant(tenant_id):
        if not model_admin.has_module_permission(request) or not any(
            model_admin.get_model_perms(request).values()
        ):
            return index
        object_id = match.kwargs.get("object_id")
        if object_id is not None and model_admin.get_object(request, unquote(object_id)) is None:
            return index
    return wanted


@require_POST
def _switch_tenant(request: HttpRequest, site: admin.AdminSite) -> HttpResponseBase:
    """Select the tenant named by ``tenant`` (a slug); an operator may select none (``""``).

    The person stays on the page named by ``next`` where it exists in the new tenant.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=site.name))
    slug = request.POST.get("tenant", "").strip()
    wanted = request.POST.get("next", "")
    if not slug and user.is_platform_operator:
        request.session.pop(SELECTED_TENANT_SESSION_KEY, None)
        messages.success(request, "You are now working across the platform, in no tenant.")
        return HttpResponseRedirect(page_in_tenant(request, site, wanted, None))
    membership = next((m for m in admin_memberships(user) if m.tenant.slug == slug), None)
    if membership is None:
        return tenant_unavailable(
            request,
            "You cannot work in that tenant: you have no active staff membership there, or the "
            "tenant is suspended. Your selection is unchanged.",
        )
    request.session[SELECTED_TENANT_SESSION_KEY] = membership.tenant_id
    messages.success(request, f"You are now working in {membership.tenant.name}.")
    return HttpResponseRedirect(page_in_tenant(request, site, wanted, membership.tenant_id))
