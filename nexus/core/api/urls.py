"""Routes of the kernel's API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .audit import AuditEventViewSet
from .exchange_rates import ExchangeRateViewSet

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("exchange-rates", ExchangeRateViewSet, basename="exchange-rate")

urlpatterns = router.urls
