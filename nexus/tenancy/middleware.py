"""Select the tenant for admin and other Django views from the session; reset it when the response ends."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from rest_framework.views import APIView

from nexus.core import scope

from .access import SELECTED_TENANT_SESSION_KEY, active_membership, admin_memberships, forget_roles


class TenantMiddleware:
    """Activate the tenant selected in the session (after ``AuthenticationMiddleware``).

    The selection must still be usable: an active membership in an active tenant. Otherwise
    the selection is dropped and the request answered 403 with the tenants that are still
    available. API views are left alone: their base view resolves the tenant after DRF has
    authenticated the caller. Whatever happened, the scope is reset when the response is done,
    since the thread and its database connection serve the next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            return self.get_response(request)
        finally:
            # The database settings mirror the scope, so an untouched scope needs no query.
            if scope.current_scope() != scope.NO_SCOPE:
                scope.reset_scope()

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        request.tenant = None  # type: ignore[attr-defined]
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        forget_roles(user)
        selected = request.session.get(SELECTED_TENANT_SESSION_KEY)
        if selected is None:
            return None
        membership = active_membership(user, selected)
        if membership is None:
            del request.session[SELECTED_TENANT_SESSION_KEY]
            return tenant_unavailable(
                request,
                "The tenant selected in your session is no longer available to you: the membership "
                "is not active or the tenant is suspended. The selection has been cleared.",
            )
        request.tenant = membership.tenant  # type: ignore[attr-defined]
        scope.activate(scope.Scope(tenant_id=membership.tenant_id))
        return None


def tenant_unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page for a tenant the person may not (or may no longer) work in."""
    context = {
        **admin.site.each_context(request),
        "title": "Tenant not available",
        "reason": reason,
        "tenant_choices": admin_memberships(request.user),
    }
    return render(request, "tenancy/tenant_unavailable.html", context, status=403)
