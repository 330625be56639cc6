"""Routes of the receivable API, included under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from .views import CreditNoteViewSet

router = SimpleRouter()
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")

urlpatterns = router.urls
