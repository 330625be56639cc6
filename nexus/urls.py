"""URL configuration: admin, API v1 with its schema and docs, health probes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

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
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1_patterns, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("health/live/", core_views.health_live, name="health-live"),
    path("health/ready/", core_views.health_ready, name="health-ready"),
]
