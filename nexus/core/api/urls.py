"""Routes of the kernel's API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .audit import AuditEventViewSet

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
