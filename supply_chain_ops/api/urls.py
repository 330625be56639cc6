"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from rest_framework.routers import SimpleRouter

from .transfers import TransferOrderViewSet

router = SimpleRouter()
router.register("transfer-orders", TransferOrderViewSet, basename="transfer-order")

urlpatterns = router.urls
