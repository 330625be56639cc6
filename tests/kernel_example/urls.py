"""The project's URLs plus the example API under ``/api/v1/example/`` (namespace ``example``).

Tests select it with ``settings.ROOT_URLCONF = "tests.kernel_example.urls"``.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from nexus.urls import urlpatterns as project_urlpatterns
from tests.kernel_example import api

router = SimpleRouter()
router.register("gadget-kinds", api.GadgetKindViewSet, basename="gadget-kind")
router.register("gadgets", api.GadgetViewSet, basename="gadget")

urlpatterns = [
    path("api/v1/example/", include((router.urls, "kernel_example"), namespace="example")),
    *project_urlpatterns,
]
