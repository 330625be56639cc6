"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from rest_framework.routers import SimpleRouter

from .cross_docks import CrossDockViewSet
from .dropship import DropshipOrderViewSet
from .landed_costs import LandedCostViewSet
from .rmas import RmaViewSet
from .transfers import TransferOrderViewSet

router = SimpleRouter()
router.register("dropship-orders", DropshipOrderViewSet, basename="dropship-order")
router.register("cross-docks", CrossDockViewSet, basename="cross-dock")
router.register("landed-costs", LandedCostViewSet, basename="landed-cost")
router.register("rmas", RmaViewSet, basename="rma")
router.register("transfer-orders", TransferOrderViewSet, basename="transfer-order")

urlpatterns = router.urls
