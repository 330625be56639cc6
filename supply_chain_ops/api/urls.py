"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from rest_framework.routers import SimpleRouter

from .landed_costs import LandedCostViewSet

router = SimpleRouter()
router.register("landed-costs", LandedCostViewSet, basename="landed-cost")

urlpatterns = router.urls
