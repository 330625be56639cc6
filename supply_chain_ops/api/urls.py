"""Routes of the supply-chain API, included under ``/api/v1/``; each workflow registers its own."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .atp import AtpView, PromiseViewSet
from .cross_docks import CrossDockViewSet
from .dropship import DropshipOrderViewSet
from .landed_costs import LandedCostViewSet
from .planning import (
    BalancingLineViewSet,
    BalancingRunViewSet,
    ReplenishmentLineViewSet,
    ReplenishmentRunViewSet,
)
from .rmas import RmaViewSet
from .transfers import TransferOrderViewSet

router = SimpleRouter()
router.register("dropship-orders", DropshipOrderViewSet, basename="dropship-order")
router.register("cross-docks", CrossDockViewSet, basename="cross-dock")
router.register("landed-costs", LandedCostViewSet, basename="landed-cost")
router.register("rmas", RmaViewSet, basename="rma")
router.register("transfer-orders", TransferOrderViewSet, basename="transfer-order")
router.register("promises", PromiseViewSet, basename="promise")
router.register("replenishment-runs", ReplenishmentRunViewSet, basename="replenishment-run")
router.register("replenishment-lines", ReplenishmentLineViewSet, basename="replenishment-line")
router.register("balancing-runs", BalancingRunViewSet, basename="balancing-run")
router.register("balancing-lines", BalancingLineViewSet, basename="balancing-line")

urlpatterns = [path("atp/", AtpView.as_view(), name="atp"), *router.urls]
