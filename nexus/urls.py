"""URL configuration: admin, the emailed links' pages, API v1 with its schema and docs, health probes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from identity_ops.admin import mfa as identity_mfa_admin
from nexus.accounts import admin_views
from nexus.core import views as core_views

api_v1_patterns: list = [
    path("", include("nexus.core.api.urls")),
    path("", include("nexus.notifications.api.urls")),
    path("", include("nexus.inventory.api.urls")),
    path("", include("nexus.procurement.api.urls")),
    path("", include("nexus.sales.api.urls")),
    path("", include("nexus.receivable.api.urls")),
    path("", include("nexus.accounts.api.urls")),
    path("", include("nexus.accounts.api.auth_urls")),
    path("", include("identity_ops.api.urls")),
    path("", include("identity_ops.api.auth_urls")),
    path("", include("supply_chain_ops.api.urls")),
]

urlpatterns = [
    # The login with lockout and a second factor, the step-up prompt and the enrolment page come
    # before the admin site's own routes, so that /admin/login/ is this login.
    path("admin/login/", admin_views.admin_login, name="admin-login"),
    path("admin/login/code/", admin_views.admin_login_code, name="admin-login-code"),
    path("admin/step-up/", admin_views.admin_step_up, name="admin-step-up"),
    path("admin/mfa/", identity_mfa_admin.mfa_setup, name="admin-mfa-setup"),
    path("admin/mfa/reset/", identity_mfa_admin.mfa_reset, name="admin-mfa-reset"),
    path("admin/", admin.site.urls),
    # The pages that invitation, verification and password-reset emails link to.
    path("", include("identity_ops.pages.urls")),
    path("api/v1/", include((api_v1_patterns, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("health/live/", core_views.health_live, name="health-live"),
    path("health/ready/", core_views.health_ready, name="health-ready"),
]

# A database that cannot be reached answers 503 instead of 500 (nexus.core.unavailable).
handler404 = "nexus.core.views.page_not_found"
handler500 = "nexus.core.views.server_error"
